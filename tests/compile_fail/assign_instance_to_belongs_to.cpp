// expect: tether::belongs_to: link an instance by calling the relation, order.customer(instance); assignment sets the key only (order.customer = 42, or = std::nullopt)
// An instance assigned where the key goes: order.customer(ann) links it; order.customer = ann.id would set the key.
#include <cstdint>
#include <optional>

#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (tether::belongs_to<Customer>, customer));
};

int main() {
  Customer ann{};
  ann.id = 3;
  Order order{};
  order.customer = 42;            // a key
  order.customer = std::nullopt;  // no key
  order.customer(ann);            // a link
  order.customer = ann;
}
