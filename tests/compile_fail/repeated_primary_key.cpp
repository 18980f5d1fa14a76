// expect: tether::belongs_to: give primary_key<"..."> once
// Two referenced properties for one relation: which one would the key match?
#include <cstdint>
#include <optional>
#include <string>

#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::optional<std::string>, email));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id),
                           (tether::belongs_to<Customer, tether::primary_key<"email">, tether::primary_key<"id">>, customer));
};

static_assert(tether::model_checked<Order>);

int main() {}
