// Eager loading: one batched query per relation per level, however many rows.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "semantic.hpp"
#include "support/models.hpp"


namespace semantic_include {

namespace {

using tether_test::Customer;

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (double, amount), (tether::belongs_to<Customer>, customer));
};

struct Item {
  BOOST_HANA_DEFINE_STRUCT(Item, (std::int64_t, id), (std::string, sku), (tether::belongs_to<Order>, order));
};

// Keys that LoopBack drops in include: 0 and "" reference real rows here.
struct Warehouse {
  BOOST_HANA_DEFINE_STRUCT(Warehouse, (std::int64_t, id), (std::int64_t, code), (std::string, slug),
                           (std::string, label));
};

struct Stock {
  BOOST_HANA_DEFINE_STRUCT(Stock, (std::int64_t, id),
                           (tether::belongs_to<Warehouse, tether::primary_key<"code">>, byCode),
                           (tether::belongs_to<Warehouse, tether::primary_key<"slug">>, bySlug));
};

// Links by a target property that is optional.
struct Letter {
  BOOST_HANA_DEFINE_STRUCT(Letter, (std::int64_t, id),
                           (tether::belongs_to<Customer, tether::primary_key<"email">>, recipient));
};

struct Note {
  BOOST_HANA_DEFINE_STRUCT(Note, (std::int64_t, id), (tether::belongs_to<Customer, tether::no_constraint>, customer));
};

/// Counts the finds each model receives.
struct query_counter {
  std::vector<std::pair<std::string, std::string>> finds;

  template <class Db>
  void watch(Db& db) {
    db.on_query([this](const tether::query_event& e) {
      if (e.operation == "find") finds.emplace_back(std::string(e.model), std::string(e.text));
    });
  }
  [[nodiscard]] int of(std::string_view model) const {
    int n = 0;
    for (const auto& f : finds) n += f.first == model ? 1 : 0;
    return n;
  }
};

/// Customers, orders spread over them (some with no customer), and items over the orders.
template <class Db>
void seed(Db& db, int customers, int orders, int items) {
  db.template automigrate<Customer, Order, Item>();
  auto c = db.template repository<Customer>();
  auto o = db.template repository<Order>();
  auto i = db.template repository<Item>();
  for (int n = 0; n < customers; ++n) {
    Customer row{0, "C" + std::to_string(n), std::nullopt};
    c.create(row);
  }
  for (int n = 0; n < orders; ++n) {
    Order row{};
    row.amount = n;
    if (n % 7 != 3) row.customer = 1 + n % customers;
    o.create(row);
  }
  for (int n = 0; n < items; ++n) {
    Item row{};
    row.sku = "S" + std::to_string(n);
    row.order = 1 + n % orders;
    i.create(row);
  }
}

}  // namespace

TEST_CASE("include costs two queries for orders with their customers, however many rows") {
  for (int rows : {1, 10, 500}) {
    tether_test::datasource db{tether_test::make_connector()};
    seed(db, 5, rows, 0);
    query_counter q;
    q.watch(db);
    const auto orders = db.repository<Order>().find(tether::filter::parse(R"({"include": "customer"})"));
    CHECK(q.finds.size() == 2);
    REQUIRE(orders.size() == static_cast<std::size_t>(rows));
    for (const auto& o : orders) {
      CHECK(o.customer.loaded());
      if (o.customer.key()) CHECK(o.customer()->id == *o.customer.key());
    }
  }
}

TEST_CASE("nested include costs one query per level: items, their orders, the orders' customers") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db, 4, 20, 100);
  query_counter q;
  q.watch(db);
  const auto items = db.repository<Item>().find(tether::filter::parse(R"({"include": {"order": "customer"}})"));
  CHECK(q.finds.size() == 3);
  CHECK(q.of("Item") == 1);
  CHECK(q.of("Order") == 1);
  CHECK(q.of("Customer") == 1);
  REQUIRE(items.size() == 100);
  const auto order = items[0].order();
  REQUIRE(order != nullptr);
  CHECK(order->customer.loaded());
  CHECK(order->customer()->name == "C0");
}

TEST_CASE("keys are de-duplicated and null keys are never queried") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db, 2, 10, 0);
  query_counter q;
  q.watch(db);
  (void)db.repository<Order>().find(tether::filter{}.include("customer"));
  CHECK(q.of("Customer") == 1);  // the statement's text is each connector's own: unit-<connector>.cpp reads it

  auto orders = db.repository<Order>();
  query_counter none;
  none.watch(db);
  const auto keyless = orders.find(tether::filter{}.where("customerId", nullptr).include("customer"));
  REQUIRE_FALSE(keyless.empty());
  CHECK(none.of("Customer") == 0);
  for (const auto& o : keyless) {
    CHECK(o.customer.loaded());
    CHECK(o.customer() == nullptr);
  }
}

TEST_CASE("0 and the empty string are keys: include looks them up and links them") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Warehouse, Stock>();
  auto warehouses = db.repository<Warehouse>();
  Warehouse zero{0, 0, "", "Zero"};
  warehouses.create(zero);
  Stock s{};
  s.byCode = 0;
  s.bySlug = "";
  db.repository<Stock>().create(s);
  const auto rows = db.repository<Stock>().find(tether::filter{}.include("byCode").include("bySlug"));
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].byCode() != nullptr);
  CHECK(rows[0].byCode()->label == "Zero");
  REQUIRE(rows[0].bySlug() != nullptr);
  CHECK(rows[0].bySlug()->label == "Zero");
}

TEST_CASE("key lists are split only by the connector's parameter limit") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db, 8, 80, 0);  // every customer referenced
  query_counter q;
  q.watch(db);
  const auto orders = db.repository<Order>().find(tether::filter{}.include("customer"));
  const std::size_t limit = db.connector().parameter_limit();
  CHECK(static_cast<std::size_t>(q.of("Customer")) == 8 / limit + (8 % limit == 0 ? 0 : 1));
  for (const auto& o : orders)
    if (o.customer.key()) CHECK(o.customer()->id == *o.customer.key());
}

TEST_CASE("include links by an optional target property, and a target without it matches nothing") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Letter>();
  auto customers = db.repository<Customer>();
  Customer ann{0, "Ann", "ann@example.com"}, bob{0, "Bob", std::nullopt};
  customers.create(ann);
  customers.create(bob);
  Letter to_ann{};
  to_ann.recipient = "ann@example.com";
  Letter unaddressed{};
  db.repository<Letter>().create(to_ann);
  db.repository<Letter>().create(unaddressed);
  const auto rows = db.repository<Letter>().find(tether::filter{}.include("recipient"));
  REQUIRE(rows.size() == 2u);
  REQUIRE(rows[0].recipient());
  CHECK(rows[0].recipient()->id == ann.id);
  CHECK(rows[1].recipient.loaded());
  CHECK(rows[1].recipient() == nullptr);
}

TEST_CASE("rows keep their order and rows sharing a target share one shared_ptr") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db, 2, 8, 0);
  const auto orders = db.repository<Order>().find(tether::filter::parse(R"({"order": "amount DESC", "include": "customer"})"));
  REQUIRE(orders.size() == 8);
  for (std::size_t i = 1; i < orders.size(); ++i) CHECK(orders[i - 1].amount > orders[i].amount);
  std::shared_ptr<Customer> first_of_c1;
  for (const auto& o : orders) {
    if (o.customer.key() != 1) continue;
    if (!first_of_c1) first_of_c1 = o.customer();
    CHECK(o.customer() == first_of_c1);
  }
  CHECK(first_of_c1 != nullptr);
}

TEST_CASE("a missing target leaves loaded() true and a null pointer") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Note>();
  Note n{};
  n.customer = 42;
  db.repository<Note>().create(n);
  const auto notes = db.repository<Note>().find(tether::filter{}.include("customer"));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].customer.loaded());
  CHECK(notes[0].customer() == nullptr);
}

TEST_CASE("the keys linking needs are read even when fields leaves them out") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db, 2, 3, 0);
  const auto orders = db.repository<Order>().find(tether::filter::parse(R"({"fields": ["amount"], "include": "customer"})"));
  REQUIRE(orders.size() == 3);
  CHECK(orders[0].customer.key() == 1);
  REQUIRE(orders[0].customer() != nullptr);
  CHECK(orders[0].customer()->name == "C0");
}

TEST_CASE("a scope's fields still read the referenced property") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Warehouse, Stock>();
  Warehouse w{0, 7, "north", "North"};
  db.repository<Warehouse>().create(w);
  Stock s{};
  s.byCode = 7;
  s.bySlug = "north";
  db.repository<Stock>().create(s);
  const auto rows = db.repository<Stock>().find(tether::filter::parse(
      R"({"include": [{"relation": "byCode", "scope": {"fields": ["label"]}},
                      {"relation": "bySlug", "scope": {"fields": {"slug": false}}}]})"));
  REQUIRE(rows[0].byCode() != nullptr);
  CHECK(rows[0].byCode()->label == "North");
  CHECK(rows[0].byCode()->slug.empty());
  REQUIRE(rows[0].bySlug() != nullptr);
  CHECK(rows[0].bySlug()->slug == "north");
}

TEST_CASE("a scope's where leaves rows whose target does not match with a null target, never drops rows") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db, 2, 4, 0);
  const auto orders = db.repository<Order>().find(
      tether::filter::parse(R"({"include": {"relation": "customer", "scope": {"where": {"name": "C1"}}}})"));
  REQUIRE(orders.size() == 4);
  for (const auto& o : orders) {
    CHECK(o.customer.loaded());
    if (o.customer.key() == 2) CHECK(o.customer()->name == "C1");
    else CHECK(o.customer() == nullptr);
  }
}

TEST_CASE("a belongsTo scope with limit, skip or order is a validation_error") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db, 1, 1, 0);
  auto orders = db.repository<Order>();
  for (const char* json : {R"({"include": {"relation": "customer", "scope": {"limit": 1}}})",
                           R"({"include": {"relation": "customer", "scope": {"skip": 1}}})",
                           R"({"include": {"relation": "customer", "scope": {"order": "name"}}})"}) {
    INFO(json);
    CHECK_THROWS_AS(orders.find(tether::filter::parse(json)), tether::validation_error);
  }
}

TEST_CASE("an unknown relation gives LoopBack's wording, at any level") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db, 1, 1, 1);
  CHECK_THROWS_WITH(db.repository<Order>().find(tether::filter::parse(R"({"include": "custmer"})")),
                    "Relation \"custmer\" is not defined for Order model");
  CHECK_THROWS_WITH(db.repository<Item>().find(tether::filter::parse(R"({"include": {"order": "custmer"}})")),
                    "Relation \"custmer\" is not defined for Order model");
  CHECK_THROWS_WITH(db.repository<Order>().find(tether::filter::parse(R"({"include": "amount"})")),
                    "Relation \"amount\" is not defined for Order model");
}

TEST_CASE("nested include through order.customer.get(filter) loads the target's relations") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db, 2, 3, 3);
  const auto item = *db.repository<Item>().find_by_id(1);
  query_counter q;
  q.watch(db);
  const auto order = item.order.get(tether::filter{}.include("customer")).get();
  CHECK(q.finds.size() == 2);
  REQUIRE(order != nullptr);
  CHECK(order->customer.loaded());
  CHECK(order->customer()->name == "C0");
  CHECK(item.order() == order);  // include narrows nothing, so the load replaced the cache
}

TEST_CASE("JSON of included rows: the relation as an object, null when no row matched, absent when not included") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Note>();
  Customer ann{0, "Ann", std::nullopt};
  db.repository<Customer>().create(ann);
  Note linked{};
  linked.customer = ann.id;
  Note dangling{};
  dangling.customer = 99;
  db.repository<Note>().create(linked);
  db.repository<Note>().create(dangling);
  const auto included = db.repository<Note>().find(tether::filter{}.include("customer"));
  const nlohmann::json first = included[0];
  const nlohmann::json second = included[1];
  CHECK(first["customer"] == nlohmann::json{{"id", 1}, {"name", "Ann"}, {"email", nullptr}});
  CHECK(second.contains("customer"));
  CHECK(second["customer"].is_null());
  const nlohmann::json plain = db.repository<Note>().find()[0];
  CHECK_FALSE(plain.contains("customer"));
  CHECK(plain["customerId"] == 1);
}

}  // namespace semantic_include
