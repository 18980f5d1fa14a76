// expect: tether::belongs_to<Target, primary_key<Name>>: the target has no property of that name; name one of the target's properties
// primary_key<"mail"> names no property of Customer (its property is `email`).
#include <cstdint>
#include <optional>
#include <string>

#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::string, email));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (tether::belongs_to<Customer, tether::primary_key<"mail">>, customer));
};

static_assert(tether::model_checked<Order>);

int main() {}
