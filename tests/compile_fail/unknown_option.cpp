// expect: tether::belongs_to<Target, Options...>: unknown option; the options are foreign_key<"...">, primary_key<"...">, on_delete<restrict|cascade|set_null>, key_type<K> and no_constraint
// expect-also: tether::cascade
// tether::cascade is an on_delete action, not an option by itself.
#include <cstdint>

#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (tether::belongs_to<Customer, tether::cascade>, customer));
};

static_assert(tether::model_checked<Order>);

int main() {}
