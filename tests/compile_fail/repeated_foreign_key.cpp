// expect: tether::belongs_to: give foreign_key<"..."> once
// Two foreign keys for one relation: which column would hold the key?
#include <cstdint>
#include <optional>
#include <string>

#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::optional<std::string>, email));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id),
                           (tether::belongs_to<Customer, tether::foreign_key<"buyerId">, tether::foreign_key<"payerId">>, customer));
};

static_assert(tether::model_checked<Order>);

int main() {}
