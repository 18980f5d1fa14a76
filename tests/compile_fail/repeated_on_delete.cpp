// expect: tether::belongs_to: give on_delete<...> once
// Two delete actions for one relation: which one would a removal take?
#include <cstdint>
#include <optional>
#include <string>

#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::optional<std::string>, email));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id),
                           (tether::belongs_to<Customer, tether::on_delete<tether::cascade>, tether::on_delete<tether::set_null>>, customer));
};

static_assert(tether::model_checked<Order>);

int main() {}
