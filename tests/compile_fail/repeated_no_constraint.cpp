// expect: tether::belongs_to: give no_constraint once
// no_constraint twice: an option is given once.
#include <cstdint>
#include <optional>
#include <string>

#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::optional<std::string>, email));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id),
                           (tether::belongs_to<Customer, tether::no_constraint, tether::no_constraint>, customer));
};

static_assert(tether::model_checked<Order>);

int main() {}
