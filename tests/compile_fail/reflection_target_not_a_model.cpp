// expect: tether::has_many<Target> / has_one<Target>: Target is not a model; describe it with BOOST_HANA_DEFINE_STRUCT
// int is not a model: it has no Hana descriptor.
#include <cstdint>

#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (tether::has_one<int>, address));
};

static_assert(tether::model_checked<Customer>);

int main() {}
