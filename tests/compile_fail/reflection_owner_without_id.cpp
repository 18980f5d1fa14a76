// expect: tether::has_many / has_one: a model that declares one must declare its id property, which the belongs_to on the other side references
// Customer has no id of its own (it would be stored as with_id<Customer>), yet declares a reflection.
#include <string>

#include <tether/tether.hpp>

struct Order;
struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::string, name), (tether::has_many<Order>, orders));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (double, amount), (tether::belongs_to<Customer>, customer));
};

static_assert(tether::model_checked<Customer>);

int main() {}
