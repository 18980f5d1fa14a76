// What a program using the installed (or added) tether builds: models, a datasource, a relation load and JSON,
// so that header-only and tether::compiled are both linked for real.
#include <cstdint>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>
#include <tether/memory.hpp>
#include <tether/tether.hpp>

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::string, name));
};
struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (tether::belongs_to<Customer>, customer));
};

int main() {
  tether::datasource db{tether::memory{}};
  db.automigrate<Customer, Order>();
  Customer ann{0, "Ann"};
  db.repository<Customer>().create(ann);
  Order order{};
  order.customer(ann);
  db.repository<Order>().create(order);
  const auto loaded = db.repository<Order>().find_by_id(order.id)->customer.get().get();
  const nlohmann::json j = order;
  std::printf("%s %s\n", loaded ? loaded->name.c_str() : "(none)", j.dump().c_str());
  return loaded != nullptr && loaded->name == "Ann" && j["customerId"] == ann.id ? 0 : 1;
}
