// expect: tether: two properties of the model have one stored name (a belongs_to's foreign key is its member name plus Id); rename the property, or name the key with tether::foreign_key<"...">
// Order declares `customerId` itself and the relation `customer`, whose foreign key is also `customerId`.
#include <cstdint>

#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (std::int64_t, customerId), (tether::belongs_to<Customer>, customer));
};

static_assert(tether::model_checked<Order>);

int main() {}
