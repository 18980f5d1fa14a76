#ifndef TETHER_BENCH_BELONGS_TO_SHOP_HPP
#define TETHER_BENCH_BELONGS_TO_SHOP_HPP

// The models the belongsTo benchmarks share (the cached read, get() and include on each connector): an Order
// that belongs to a Customer, and the order one writes by hand beside it, its customer kept in a shared_ptr.
// Each benchmark keeps its own sizes.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <tether/tether.hpp>

namespace belongs_to_bench {

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::string, name));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (double, amount), (tether::belongs_to<Customer>, customer));
};

struct RawOrder {
  std::int64_t id = 0;
  double amount = 0;
  std::optional<std::int64_t> customer_id;
  std::shared_ptr<Customer> customer;
};

}  // namespace belongs_to_bench

#endif
