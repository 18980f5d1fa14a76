#ifndef TETHER_BENCH_HAS_MANY_SHOP_HPP
#define TETHER_BENCH_HAS_MANY_SHOP_HPP

// The shop the has_many include benchmarks share (bench_has_many*.cpp, one per connector): tether's models, the
// hand-written rows beside them, and the sizes. 1,000 customers with their 100,000 orders; `top` is the scope's
// per-customer limit.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <tether/tether.hpp>

namespace has_many_bench {

struct Order;

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::string, name), (tether::has_many<Order>, orders));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (double, amount), (tether::belongs_to<Customer>, customer));
};

struct RawOrder {
  std::int64_t id = 0;
  double amount = 0;
  std::optional<std::int64_t> customer_id;
};

struct RawCustomer {
  std::int64_t id = 0;
  std::string name;
  std::vector<RawOrder> orders;
};

constexpr int customer_count = 1000;
constexpr int order_count = 100000;
constexpr std::size_t top = 3;

}  // namespace has_many_bench

#endif
