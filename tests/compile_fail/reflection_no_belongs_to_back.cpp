// expect: tether::has_many / has_one: the target has no belongs_to back to this model; declare one in the target (tether::belongs_to<ThisModel>), which holds the key
// Order belongs to no Customer, so Customer's orders have no key to be found by.
#include <cstdint>

#include <tether/tether.hpp>

struct Order;
struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (tether::has_many<Order>, orders));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (double, amount));
};

static_assert(tether::model_checked<Customer>);

int main() {}
