// expect: tether::belongs_to: give key_type<K> once
// The key type twice, even the same type twice: an option is given once.
#include <cstdint>
#include <optional>
#include <string>

#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::optional<std::string>, email));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id),
                           (tether::belongs_to<Customer, tether::key_type<std::int64_t>, tether::key_type<std::int64_t>>, customer));
};

static_assert(tether::model_checked<Order>);

int main() {}
