// expect: tether: two has_many / has_one members of the model reflect the same belongs_to; keep one, or point them at different belongs_to members with tether::inverse<"member">
// A has_many and a has_one of one belongs_to: the key cannot be both one-to-many and one-to-one.
#include <cstdint>

#include <tether/tether.hpp>

struct Address;
struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (tether::has_many<Address>, addresses),
                           (tether::has_one<Address>, address));
};

struct Address {
  BOOST_HANA_DEFINE_STRUCT(Address, (std::int64_t, id), (tether::belongs_to<Customer>, customer));
};

static_assert(tether::model_checked<Customer>);

int main() {}
