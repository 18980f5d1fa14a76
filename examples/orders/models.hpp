#ifndef TETHER_EXAMPLE_ORDERS_MODELS_HPP
#define TETHER_EXAMPLE_ORDERS_MODELS_HPP

// The example's models: an Order belongs to a Customer, and so does at most one Address. The Customer reflects
// both: its orders (hasMany) and its address (hasOne, which makes Address.customer one-to-one). The keys live
// on the belongsTo side only, as customerId in Order and in Address.

#include <cstdint>
#include <optional>
#include <string>

#include <tether/tether.hpp>

struct Order;
struct Address;

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer,
      (std::int64_t, id),
      (std::string, name),
      (std::optional<std::string>, email),
      (tether::has_many<Order>, orders),     // every Order whose customer is this one: no column
      (tether::has_one<Address>, address));  // the one Address whose customer is this one: no column
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order,
      (std::int64_t, id),
      (std::string, description),
      (double, amount),
      (tether::belongs_to<Customer>, customer));
};

struct Address {
  BOOST_HANA_DEFINE_STRUCT(Address,
      (std::int64_t, id),
      (std::string, street),
      (std::string, city),
      (tether::belongs_to<Customer>, customer));
};

#endif
