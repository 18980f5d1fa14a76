// expect: tether::belongs_to<Target>: Target is not a model; describe it with BOOST_HANA_DEFINE_STRUCT
// int is not a model: it has no Hana descriptor (Customer is one).
#include <cstdint>

#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (tether::belongs_to<int>, customer));
};

static_assert(tether::model_checked<Order>);

int main() {}
