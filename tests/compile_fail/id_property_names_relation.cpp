// expect: tether: the model's `id_property` names a belongs_to member, whose foreign key cannot be the id; name a plain property of the model
// id_property names the relation `customer`: its key customerId would become a generated id linking to no one.
#include <cstdint>
#include <string_view>

#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (double, amount), (tether::belongs_to<Customer>, customer));
  static constexpr std::string_view id_property = "customer";
};

static_assert(tether::model_checked<Order>);

int main() {}
