// expect: tether::has_many / has_one: unknown option; the only option is tether::inverse<"member">, the target's belongs_to member that the reflection reflects
// foreign_key<> is a belongs_to option: the key lives on the belongs_to side only.
#include <cstdint>

#include <tether/tether.hpp>

struct Order;
struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id),
                           (tether::has_many<Order, tether::foreign_key<"customerId">>, orders));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (tether::belongs_to<Customer>, customer));
};

static_assert(tether::model_checked<Customer>);

int main() {}
