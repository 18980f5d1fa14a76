// expect: tether::on_delete<Action>: Action must be tether::restrict, tether::cascade or tether::set_null
// tether::no_constraint is an option of its own, not something a removal does.
#include <cstdint>

#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id),
                           (tether::belongs_to<Customer, tether::on_delete<tether::no_constraint>>, customer));
};

static_assert(tether::model_checked<Order>);

int main() {}
