// expect: tether::has_one: the key lives in the target, so link it from there, address.customer(customer), or create it through this member, customer.address.create(address); a has_one is never assigned
// The key of a has_one is in the target's belongs_to: a has_one has nothing to assign.
#include <cstdint>

#include <tether/tether.hpp>

struct Address;
struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (tether::has_one<Address>, address));
};

struct Address {
  BOOST_HANA_DEFINE_STRUCT(Address, (std::int64_t, id), (tether::belongs_to<Customer>, customer));
};

int main() {
  Customer ann{};
  Address home{};
  home.customer(ann);  // the link, from the side that holds the key
  ann.address = home;
}
