// expect: tether::inverse<"member">: the target has no belongs_to member of that name whose target is this model; name the target's belongs_to member that points back here
// inverse<"store"> names a belongs_to of Order, but one to Store, not to Customer.
#include <cstdint>

#include <tether/tether.hpp>

struct Store {
  BOOST_HANA_DEFINE_STRUCT(Store, (std::int64_t, id));
};

struct Order;
struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (tether::has_many<Order, tether::inverse<"store">>, orders));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (tether::belongs_to<Store>, store),
                           (tether::belongs_to<Customer>, customer));
};

static_assert(tether::model_checked<Customer>);

int main() {}
