// expect: tether: two has_many / has_one members of the model reflect the same belongs_to; keep one, or point them at different belongs_to members with tether::inverse<"member">
// orders and purchases both reflect Order's one belongs_to to Customer.
#include <cstdint>

#include <tether/tether.hpp>

struct Order;
struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (tether::has_many<Order>, orders),
                           (tether::has_many<Order>, purchases));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (tether::belongs_to<Customer>, customer));
};

static_assert(tether::model_checked<Customer>);

int main() {}
