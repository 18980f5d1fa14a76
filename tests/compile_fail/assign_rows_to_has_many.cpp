// expect: tether::has_many: the key lives in each target row, so link one from there, order.customer(customer), or create it through this member, customer.orders.create(order); a has_many is never assigned
// The keys of a has_many are in the targets' belongs_to: a has_many has nothing to assign.
#include <cstdint>
#include <vector>

#include <tether/tether.hpp>

struct Order;
struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (tether::has_many<Order>, orders));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (tether::belongs_to<Customer>, customer));
};

int main() {
  Customer ann{};
  std::vector<Order> orders(2);
  for (auto& order : orders) order.customer(ann);  // the links, from the side that holds the keys
  ann.orders = orders;
}
