// expect: tether::has_many / has_one: the target belongs to this model more than once; say which belongs_to member this reflects with tether::inverse<"member">
// Parcel belongs to Customer as billing and as shipping; the has_many does not say which one it reflects.
#include <cstdint>

#include <tether/tether.hpp>

struct Parcel;
struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (tether::has_many<Parcel>, parcels));
};

struct Parcel {
  BOOST_HANA_DEFINE_STRUCT(Parcel, (std::int64_t, id), (tether::belongs_to<Customer>, billing),
                           (tether::belongs_to<Customer>, shipping));
};

static_assert(tether::model_checked<Customer>);

int main() {}
