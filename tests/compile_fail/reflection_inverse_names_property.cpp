// expect: tether::inverse<"member">: the target has no belongs_to member of that name whose target is this model; name the target's belongs_to member that points back here
// inverse<"amount"> names a plain property of Order, not a belongs_to.
#include <cstdint>

#include <tether/tether.hpp>

struct Order;
struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (tether::has_many<Order, tether::inverse<"amount">>, orders));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (double, amount), (tether::belongs_to<Customer>, customer));
};

static_assert(tether::model_checked<Customer>);

int main() {}
