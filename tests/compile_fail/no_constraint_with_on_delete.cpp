// expect: tether::belongs_to: no_constraint turns integrity off, so on_delete has nothing to act on; keep one of them
// no_constraint switches integrity off; on_delete<cascade> would need it.
#include <cstdint>

#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id),
                           (tether::belongs_to<Customer, tether::no_constraint, tether::on_delete<tether::cascade>>, customer));
};

static_assert(tether::model_checked<Order>);

int main() {}
