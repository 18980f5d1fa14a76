// libFuzzer target: untrusted text as a LoopBack filter, run for real against a small memory store, as a
// LoopBack model-definition file, and as an instance's JSON (embedded relations and reflections included). A tether::error is the expected answer to bad input; anything else (another
// exception, a crash, undefined behaviour, a leak) is a finding.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>

#include <nlohmann/json.hpp>

#include <tether/memory.hpp>
#include <tether/tether.hpp>

namespace {

struct Order;
struct Item;

// The reflections: orders by id, purchases by Item's string key on the name, and each order's one item.
struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::string, name), (std::optional<std::string>, email),
                           (tether::time_point, since), (nlohmann::json, extra), (tether::has_many<Order>, orders),
                           (tether::has_many<Item>, purchases));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (double, amount), (bool, paid),
                           (std::optional<tether::time_point>, shipped), (tether::belongs_to<Customer>, customer),
                           (tether::has_one<Item>, item));
};

// Two relations: an id key with on_delete<cascade>, and a string key on a non-id property with no constraint,
// so include runs over both key types. Each order has at most one item (Order's has_one makes that a rule).
struct Item {
  BOOST_HANA_DEFINE_STRUCT(Item, (std::int64_t, id), (std::string, sku), (std::int32_t, quantity),
                           (std::optional<double>, price),
                           (tether::belongs_to<Order, tether::on_delete<tether::cascade>>, order),
                           (tether::belongs_to<Customer, tether::primary_key<"name">, tether::no_constraint>, buyer));
};

// Created once; inputs only read it, so every input sees the same rows.
struct shop {
  tether::datasource<tether::memory> db{tether::memory{}};
  tether::repository<Customer> customers = db.repository<Customer>();
  tether::repository<Order> orders = db.repository<Order>();
  tether::repository<Item> items = db.repository<Item>();
  std::size_t rendered = 0;  // the hook reads every query's text, so rendering is fuzzed too

  shop() {
    db.automigrate<Customer, Order, Item>();
    const auto day = std::chrono::hours(24);
    Customer ann{0, "Ann", "ann@example.com", tether::time_point{} + 18000 * day, {{"vip", true}}, {}, {}};
    Customer bob{0, "Bob", std::nullopt, tether::time_point{} + 19000 * day, nullptr, {}, {}};
    Customer empty{0, "", "", tether::time_point{}, nlohmann::json::array(), {}, {}};
    customers.create(ann);
    customers.create(bob);
    customers.create(empty);
    const std::int64_t owners[] = {ann.id, ann.id, bob.id, empty.id, 0};
    for (int i = 0; i < 5; ++i) {
      Order o{};
      o.amount = i * 12.5 - 10;
      o.paid = i % 2 == 0;
      if (i % 2 == 1) o.shipped = tether::time_point{} + (18500 + i) * day;
      if (owners[i] != 0) o.customer = owners[i];
      orders.create(o);
    }
    const char* skus[] = {"A-1", "a_1", "B%2", "", "C\\3", "A-1"};
    const char* buyers[] = {"Ann", "Bob", "nobody", "", "Ann", "Bob"};
    for (int i = 0; i < 6; ++i) {
      Item it{};
      it.sku = skus[i];
      it.quantity = i - 2;
      if (i != 3) it.price = i * 0.5;
      if (i != 5) it.order = std::int64_t{i % 5 + 1};
      it.buyer = std::string(buyers[i]);
      items.create(it);
    }
    db.on_query([this](const tether::query_event& e) { rendered += e.text.size(); });
  }
};

shop* the_shop = nullptr;

[[noreturn]] void finding(const char* stage, const std::exception* e) {
  std::fprintf(stderr, "fuzz_filter_and_definition: %s let a non-tether exception escape: %s: %s\n", stage,
               e != nullptr ? typeid(*e).name() : "(not a std::exception)", e != nullptr ? e->what() : "");
  std::abort();
}

// Runs `step`; a tether::error is an answer, anything else aborts with the stage named.
template <class F>
void expect_tether_errors_only(const char* stage, F&& step) {
  try {
    step();
  } catch (const tether::error&) {
  } catch (const std::exception& e) {
    finding(stage, &e);
  } catch (...) {
    finding(stage, nullptr);
  }
}

template <class M>
void run_filter(const tether::repository<M>& repository, const tether::filter& f) {
  expect_tether_errors_only("repository.find", [&] {
    const auto rows = repository.find(f);
    // Serialising reads every relation cache that include filled.
    const nlohmann::json out = rows;
    (void)out.dump();
  });
  expect_tether_errors_only("repository.find_one", [&] { (void)repository.find_one(f); });
  expect_tether_errors_only("repository.count", [&] {
    (void)repository.count(f.where_condition().value_or(tether::condition{}));
  });
}

void fuzz_filter(std::string_view text) {
  std::optional<tether::filter> f;
  expect_tether_errors_only("filter::parse", [&] { f = tether::filter::parse(text); });
  if (!f) return;
  run_filter(the_shop->orders, *f);
  run_filter(the_shop->items, *f);
  run_filter(the_shop->customers, *f);
}

// Reads the text as each model's instance JSON and writes what was read back out.
template <class M>
void read_instance(const char* stage, const nlohmann::json& document) {
  expect_tether_errors_only(stage, [&] {
    const nlohmann::json written = document.get<M>();
    (void)written.dump();
  });
}

void fuzz_instance(std::string_view text) {
  const auto document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded()) return;
  read_instance<Customer>("instance JSON of Customer", document);
  read_instance<Order>("instance JSON of Order", document);
  read_instance<Item>("instance JSON of Item", document);
}

void fuzz_definition(std::string_view text) {
  expect_tether_errors_only("verify_definition<Order>", [&] { (void)tether::verify_definition<Order>(text); });
  expect_tether_errors_only("verify_definition<Customer>", [&] { (void)tether::verify_definition<Customer>(text); });
  expect_tether_errors_only("verify_definition<Item>", [&] { (void)tether::verify_definition<Item>(text); });
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static shop s;
  the_shop = &s;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_filter(text);
  fuzz_definition(text);
  fuzz_instance(text);
  return 0;
}
