// JSON (docs/json.md): every model converts with nlohmann/json; a belongsTo writes its key and, once loaded,
// its target; reading an embedded target fills the cache; dates are ISO-8601 UTC with milliseconds; malformed
// input is a validation_error naming the model and the property.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <tether/memory.hpp>
#include <tether/tether.hpp>

#include "support/models.hpp"

namespace unit_json {

namespace {

using tether_test::Customer;

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order,
      (std::int64_t, id),
      (double, amount),
      (tether::belongs_to<Customer>, customer));
};

struct Meeting {
  BOOST_HANA_DEFINE_STRUCT(Meeting,
      (std::int64_t, id),
      (tether::time_point, starts),
      (std::optional<tether::time_point>, ends),
      (nlohmann::json, details));
};

struct Stock {
  BOOST_HANA_DEFINE_STRUCT(Stock,
      (std::int64_t, id),
      (std::int16_t, shelf),
      (std::uint32_t, quantity),
      (bool, active));
};

// No id: stored and read as tether::with_id<Tag>.
struct Tag {
  BOOST_HANA_DEFINE_STRUCT(Tag,
      (std::string, label));
};

template <class Error, class F>
std::string message_of(F&& operation) {
  try {
    operation();
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("the operation did not throw the expected error");
  return {};
}

/// The message of the validation_error that reading `j` as M throws.
template <class M>
std::string read_error(const nlohmann::json& j) {
  return message_of<tether::validation_error>([&] { (void)j.get<M>(); });
}

Customer ann() { return Customer{3, "Ann", "ann@example.com"}; }

Order order_of(std::int64_t id, double amount, std::optional<std::int64_t> customer) {
  Order o{};
  o.id = id;
  o.amount = amount;
  o.customer = customer;
  return o;
}

tether::time_point utc(std::chrono::year_month_day day, std::chrono::milliseconds since_midnight) {
  return std::chrono::sys_days{day} + since_midnight;
}

}  // namespace

using namespace std::chrono_literals;

// --- writing a belongsTo ---------------------------------------------------------------------------------------

TEST_CASE("json: an order writes every property and its customerId, and no customer while not loaded") {
  const Order o = order_of(7, 12.5, 3);

  const nlohmann::json j = o;

  CHECK(j == nlohmann::json{{"id", 7}, {"amount", 12.5}, {"customerId", 3}});
  CHECK_FALSE(j.contains("customer"));
}

TEST_CASE("json: an order with no customer writes customerId null") {
  const Order o = order_of(7, 12.5, std::nullopt);

  const nlohmann::json j = o;

  REQUIRE(j.contains("customerId"));
  CHECK(j["customerId"].is_null());
  CHECK_FALSE(j.contains("customer"));
}

TEST_CASE("json: an order whose customer is set writes the customer object as well") {
  Order o = order_of(7, 12.5, std::nullopt);
  o.customer(ann());

  const nlohmann::json j = o;

  CHECK(j["customerId"] == 3);
  CHECK(j["customer"] == nlohmann::json{{"id", 3}, {"name", "Ann"}, {"email", "ann@example.com"}});
}

TEST_CASE("json: an order whose customer was loaded through the datasource writes the customer object") {
  tether::datasource db{tether::memory{}};
  db.automigrate<Customer, Order>();
  Customer c{0, "Ann", std::nullopt};
  db.repository<Customer>().create(c);
  Order o = order_of(0, 12.5, c.id);
  db.repository<Order>().create(o);
  auto loaded = *db.repository<Order>().find_by_id(o.id);
  REQUIRE(loaded.customer.get().get() != nullptr);

  const nlohmann::json j = loaded;

  CHECK(j["customer"] == nlohmann::json{{"id", c.id}, {"name", "Ann"}, {"email", nullptr}});
}

TEST_CASE("json: an order loaded with no matching customer writes customer null") {
  tether::datasource db{tether::memory{}};
  db.automigrate<Customer, Order>();
  Order o = order_of(7, 12.5, 99);
  REQUIRE(o.customer.get().get() == nullptr);
  REQUIRE(o.customer.loaded());

  const nlohmann::json j = o;

  CHECK(j["customerId"] == 99);
  REQUIRE(j.contains("customer"));
  CHECK(j["customer"].is_null());
}

TEST_CASE("json: an unlinked order writes a null key and customer null") {
  Order o = order_of(7, 12.5, std::nullopt);
  o.customer(ann());
  o.customer.unlink();

  const nlohmann::json j = o;

  CHECK(j["customerId"].is_null());
  REQUIRE(j.contains("customer"));
  CHECK(j["customer"].is_null());
}

TEST_CASE("json: changing the key drops the written customer") {
  Order o = order_of(7, 12.5, std::nullopt);
  o.customer(ann());
  o.customer = 4;

  const nlohmann::json j = o;

  CHECK(j["customerId"] == 4);
  CHECK_FALSE(j.contains("customer"));
}

// --- reading a belongsTo ---------------------------------------------------------------------------------------

TEST_CASE("json: reading an order with an embedded customer fills the key and the cache") {
  const auto j = nlohmann::json::parse(
      R"({"id": 7, "amount": 12.5, "customerId": 3, "customer": {"id": 3, "name": "Ann", "email": null}})");

  const auto o = j.get<Order>();

  CHECK(o.id == 7);
  CHECK(o.amount == 12.5);
  CHECK(o.customer.key() == 3);
  CHECK(o.customer.loaded());
  const auto c = o.customer();
  REQUIRE(c != nullptr);
  CHECK(c->id == 3);
  CHECK(c->name == "Ann");
  CHECK_FALSE(c->email.has_value());
}

TEST_CASE("json: an order written with its customer reads back equal, customer included") {
  Order o = order_of(7, 12.5, std::nullopt);
  o.customer(ann());

  const nlohmann::json j = o;
  const auto back = j.get<Order>();

  CHECK(back.id == 7);
  CHECK(back.amount == 12.5);
  CHECK(back.customer.key() == 3);
  REQUIRE(back.customer.loaded());
  REQUIRE(back.customer() != nullptr);
  CHECK(nlohmann::json(*back.customer()) == nlohmann::json(ann()));
  CHECK(nlohmann::json(back) == j);
}

TEST_CASE("json: an embedded customer without customerId gives the key") {
  const auto j = nlohmann::json::parse(R"({"id": 7, "amount": 1, "customer": {"id": 3, "name": "Ann"}})");

  const auto o = j.get<Order>();

  CHECK(o.customer.key() == 3);
  CHECK(o.customer.loaded());
  REQUIRE(o.customer() != nullptr);
  CHECK(o.customer()->name == "Ann");
}

TEST_CASE("json: reading customer null caches the answer that no customer matched") {
  const auto j = nlohmann::json::parse(R"({"id": 7, "amount": 1, "customerId": 3, "customer": null})");

  const auto o = j.get<Order>();

  CHECK(o.customer.key() == 3);
  CHECK(o.customer.loaded());
  CHECK(o.customer() == nullptr);
}

TEST_CASE("json: reading an order without customer leaves the relation not loaded") {
  const auto j = nlohmann::json::parse(R"({"id": 7, "amount": 1, "customerId": 3})");

  const auto o = j.get<Order>();

  CHECK(o.customer.key() == 3);
  CHECK_FALSE(o.customer.loaded());
  CHECK(o.customer() == nullptr);
}

TEST_CASE("json: a missing customerId reads as a null key") {
  const auto o = nlohmann::json::parse(R"({"id": 7, "amount": 1})").get<Order>();

  CHECK_FALSE(o.customer.key().has_value());
}

TEST_CASE("json: an embedded customer whose id disagrees with customerId is a validation_error") {
  const auto j = nlohmann::json::parse(
      R"({"id": 7, "amount": 12.5, "customerId": 3, "customer": {"id": 4, "name": "Bob", "email": null}})");

  CHECK_THAT(read_error<Order>(j), Catch::Contains("Order") && Catch::Contains("customer"));
}

// --- property types --------------------------------------------------------------------------------------------

TEST_CASE("json: a time_point is written as ISO-8601 UTC with milliseconds") {
  using namespace std::chrono;
  Meeting m{};
  m.id = 1;
  m.starts = utc(2026y / November / 25, 10h + 30min + 250ms);
  m.ends = utc(2026y / November / 25, 11h + 5ms);

  const nlohmann::json j = m;

  CHECK(j["starts"] == "2026-11-25T10:30:00.250Z");
  CHECK(j["ends"] == "2026-11-25T11:00:00.005Z");
}

TEST_CASE("json: a time_point before 1970 is written as ISO-8601 UTC too") {
  using namespace std::chrono;
  Meeting m{};
  m.starts = utc(1969y / December / 31, 23h + 59min + 59s + 999ms);

  const nlohmann::json j = m;

  CHECK(j["starts"] == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("json: an ISO-8601 UTC string reads back as the same time_point") {
  using namespace std::chrono;
  const auto j = nlohmann::json::parse(
      R"({"id": 1, "starts": "2026-11-25T10:30:00.250Z", "ends": "1969-12-31T23:59:59.999Z", "details": {}})");

  const auto m = j.get<Meeting>();

  CHECK(m.starts == utc(2026y / November / 25, 10h + 30min + 250ms));
  REQUIRE(m.ends.has_value());
  CHECK(*m.ends == utc(1969y / December / 31, 23h + 59min + 59s + 999ms));
}

TEST_CASE("json: a time_point with whole milliseconds round-trips exactly") {
  using namespace std::chrono;
  Meeting m{};
  m.starts = utc(2000y / February / 29, 23h + 59min + 58s + 7ms);

  const auto back = nlohmann::json(m).get<Meeting>();

  CHECK(back.starts == m.starts);
}

TEST_CASE("json: a date string that is not ISO-8601 is a validation_error naming model and property") {
  const auto j = nlohmann::json::parse(R"({"id": 1, "starts": "25/11/2026 10:30", "details": {}})");

  CHECK_THAT(read_error<Meeting>(j), Catch::Contains("Meeting") && Catch::Contains("starts"));
}

TEST_CASE("json: an nlohmann::json property is written as it is and reads back equal") {
  Meeting m{};
  m.details = nlohmann::json::parse(R"({"room": "B2", "attendees": ["ann", "bob"], "remote": {"link": null}})");

  const nlohmann::json j = m;
  const auto back = j.get<Meeting>();

  CHECK(j["details"] == m.details);
  CHECK(back.details == m.details);
}

TEST_CASE("json: an nlohmann::json property may hold an array or a scalar") {
  Meeting m{};
  m.details = nlohmann::json::array({1, "two", 3.5});

  CHECK(nlohmann::json(m).get<Meeting>().details == m.details);
}

TEST_CASE("json: an empty optional property is written as null") {
  const Customer c{1, "Bob", std::nullopt};

  const nlohmann::json j = c;

  REQUIRE(j.contains("email"));
  CHECK(j["email"].is_null());
}

TEST_CASE("json: an optional property reads null, or absence, as empty") {
  const auto from_null = nlohmann::json::parse(R"({"id": 1, "name": "Bob", "email": null})").get<Customer>();
  const auto from_absent = nlohmann::json::parse(R"({"id": 1, "name": "Bob"})").get<Customer>();
  const auto from_value = nlohmann::json::parse(R"({"id": 1, "name": "Bob", "email": "b@x"})").get<Customer>();

  CHECK_FALSE(from_null.email.has_value());
  CHECK_FALSE(from_absent.email.has_value());
  CHECK(from_value.email == "b@x");
}

TEST_CASE("json: integers of every width and bools round-trip") {
  const Stock s{9, -32768, 4294967295u, true};

  const nlohmann::json j = s;
  const auto back = j.get<Stock>();

  CHECK(j == nlohmann::json{{"id", 9}, {"shelf", -32768}, {"quantity", 4294967295u}, {"active", true}});
  CHECK(back.shelf == -32768);
  CHECK(back.quantity == 4294967295u);
  CHECK(back.active);
}

TEST_CASE("json: with_id<Tag> writes Tag's properties plus id") {
  tether::with_id<Tag> t{};
  t.label = "news";
  t.id = 5;

  const nlohmann::json j = t;

  CHECK(j == nlohmann::json{{"id", 5}, {"label", "news"}});
}

TEST_CASE("json: with_id<Tag> reads Tag's properties and id") {
  const auto t = nlohmann::json::parse(R"({"id": 5, "label": "news"})").get<tether::with_id<Tag>>();

  CHECK(t.id == 5);
  CHECK(t.label == "news");
}

// --- malformed input -------------------------------------------------------------------------------------------

TEST_CASE("json: a string for a number is a validation_error naming model and property") {
  const auto j = nlohmann::json::parse(R"({"id": 7, "amount": "12.5", "customerId": 3})");
  CHECK_THAT(read_error<Order>(j), Catch::Contains("Order") && Catch::Contains("amount"));
}

TEST_CASE("json: a number for a string is a validation_error naming model and property") {
  const auto j = nlohmann::json::parse(R"({"id": 1, "name": 42})");
  CHECK_THAT(read_error<Customer>(j), Catch::Contains("Customer") && Catch::Contains("name"));
}

TEST_CASE("json: a fraction for an integer is a validation_error naming model and property") {
  const auto j = nlohmann::json::parse(R"({"id": 1, "shelf": 2, "quantity": 2.5, "active": true})");
  CHECK_THAT(read_error<Stock>(j), Catch::Contains("Stock") && Catch::Contains("quantity"));
}

TEST_CASE("json: a value out of a narrower integer's range is a validation_error naming model and property") {
  const auto too_big = nlohmann::json::parse(R"({"id": 1, "shelf": 40000, "quantity": 1, "active": true})");
  const auto too_small = nlohmann::json::parse(R"({"id": 1, "shelf": -40000, "quantity": 1, "active": true})");

  CHECK_THAT(read_error<Stock>(too_big), Catch::Contains("Stock") && Catch::Contains("shelf"));
  CHECK_THAT(read_error<Stock>(too_small), Catch::Contains("Stock") && Catch::Contains("shelf"));
}

TEST_CASE("json: a negative value for an unsigned integer is a validation_error naming model and property") {
  const auto j = nlohmann::json::parse(R"({"id": 1, "shelf": 1, "quantity": -1, "active": true})");
  CHECK_THAT(read_error<Stock>(j), Catch::Contains("Stock") && Catch::Contains("quantity"));
}

TEST_CASE("json: a value beyond std::int64_t is a validation_error naming model and property") {
  const auto j = nlohmann::json::parse(R"({"id": 9223372036854775808, "name": "Big"})");
  CHECK_THAT(read_error<Customer>(j), Catch::Contains("Customer") && Catch::Contains("id"));
}

TEST_CASE("json: a number for a bool is a validation_error naming model and property") {
  const auto j = nlohmann::json::parse(R"({"id": 1, "shelf": 1, "quantity": 1, "active": 1})");
  CHECK_THAT(read_error<Stock>(j), Catch::Contains("Stock") && Catch::Contains("active"));
}

TEST_CASE("json: a key of the wrong type is a validation_error naming model and key property") {
  const auto j = nlohmann::json::parse(R"({"id": 7, "amount": 1, "customerId": "3"})");
  CHECK_THAT(read_error<Order>(j), Catch::Contains("Order") && Catch::Contains("customerId"));
}

TEST_CASE("json: null for a required property is a validation_error naming model and property") {
  const auto j = nlohmann::json::parse(R"({"id": 1, "name": null})");
  CHECK_THAT(read_error<Customer>(j), Catch::Contains("Customer") && Catch::Contains("name"));
}

TEST_CASE("json: a JSON value that is not an object is a validation_error naming the model") {
  CHECK_THAT(read_error<Order>(nlohmann::json::array({7, 12.5})), Catch::Contains("Order"));
  CHECK_THAT(read_error<Customer>(nlohmann::json("Ann")), Catch::Contains("Customer"));
}

TEST_CASE("json: a missing required property is a validation_error naming model and property") {
  const auto j = nlohmann::json::parse(R"({"id": 1, "email": "ann@example.com"})");
  CHECK_THAT(read_error<Customer>(j), Catch::Contains("Customer") && Catch::Contains("name"));
}

TEST_CASE("json: a missing id is fine and reads as not created yet") {
  const auto c = nlohmann::json::parse(R"({"name": "Ann"})").get<Customer>();

  CHECK(c.id == 0);
  CHECK(c.name == "Ann");
}

TEST_CASE("json: a malformed embedded customer is a validation_error naming Customer and the property") {
  const auto j = nlohmann::json::parse(R"({"id": 7, "amount": 1, "customerId": 3, "customer": {"id": 3, "name": 5}})");
  CHECK_THAT(read_error<Order>(j), Catch::Contains("Customer") && Catch::Contains("name"));
}

// --- the reflections: has_many and has_one ---------------------------------------------------------------------

namespace {
namespace reflections {

struct Purchase;
struct Home;

// Shopper has many purchases and one home; each purchase has many lines, so embedded rows nest their own.
struct Shopper {
  BOOST_HANA_DEFINE_STRUCT(Shopper,
      (std::int64_t, id),
      (std::string, name),
      (tether::has_many<Purchase>, purchases),
      (tether::has_one<Home>, home));
};

struct Line;

struct Purchase {
  BOOST_HANA_DEFINE_STRUCT(Purchase,
      (std::int64_t, id),
      (double, amount),
      (tether::belongs_to<Shopper>, shopper),
      (tether::has_many<Line>, lines));
};

struct Line {
  BOOST_HANA_DEFINE_STRUCT(Line,
      (std::int64_t, id),
      (std::string, sku),
      (tether::belongs_to<Purchase>, purchase));
};

struct Home {
  BOOST_HANA_DEFINE_STRUCT(Home,
      (std::int64_t, id),
      (std::string, street),
      (tether::belongs_to<Shopper>, shopper));
};

// has_many<Note> is declared by two models, so the member cannot tell its owner from its type alone.
struct Note;
struct Desk {
  BOOST_HANA_DEFINE_STRUCT(Desk, (std::int64_t, id), (tether::has_many<Note>, notes));
};
struct Wall {
  BOOST_HANA_DEFINE_STRUCT(Wall, (std::int64_t, id), (tether::has_many<Note>, notes));
};
struct Note {
  BOOST_HANA_DEFINE_STRUCT(Note,
      (std::int64_t, id),
      (tether::belongs_to<Desk>, desk),
      (tether::belongs_to<Wall>, wall));
};

const char* const ann_with_everything = R"({
  "id": 3, "name": "Ann",
  "purchases": [
    {"id": 10, "amount": 12.5, "shopperId": 3, "lines": [{"id": 100, "sku": "A-1", "purchaseId": 10}]},
    {"id": 11, "amount": 7, "shopperId": 3, "lines": []}
  ],
  "home": {"id": 20, "street": "Main Street 1", "shopperId": 3}
})";

}  // namespace reflections
}  // namespace

TEST_CASE("json: a shopper with nothing loaded writes neither purchases nor home") {
  reflections::Shopper ann{};
  ann.id = 3;
  ann.name = "Ann";

  const nlohmann::json j = ann;

  CHECK(j == nlohmann::json{{"id", 3}, {"name", "Ann"}});
}

TEST_CASE("json: reading embedded purchases fills the has_many cache for the shopper's id") {
  const auto ann = nlohmann::json::parse(reflections::ann_with_everything).get<reflections::Shopper>();

  REQUIRE(ann.purchases.loaded());
  const auto purchases = ann.purchases();
  REQUIRE(purchases != nullptr);
  REQUIRE(purchases->size() == 2);
  CHECK((*purchases)[0].id == 10);
  CHECK((*purchases)[0].amount == 12.5);
  CHECK((*purchases)[0].shopper.key() == 3);
  CHECK((*purchases)[1].id == 11);
  CHECK((*purchases)[1].shopper.key() == 3);
}

TEST_CASE("json: reading an embedded home fills the has_one cache for the shopper's id") {
  const auto ann = nlohmann::json::parse(reflections::ann_with_everything).get<reflections::Shopper>();

  REQUIRE(ann.home.loaded());
  const auto home = ann.home();
  REQUIRE(home != nullptr);
  CHECK(home->id == 20);
  CHECK(home->street == "Main Street 1");
  CHECK(home->shopper.key() == 3);
}

TEST_CASE("json: embedded rows nest their own loaded relations, read and written") {
  const auto ann = nlohmann::json::parse(reflections::ann_with_everything).get<reflections::Shopper>();

  const auto& first = ann.purchases()->front();
  REQUIRE(first.lines.loaded());
  REQUIRE(first.lines()->size() == 1);
  CHECK(first.lines()->front().sku == "A-1");
  CHECK(first.lines()->front().purchase.key() == 10);
  REQUIRE(ann.purchases()->back().lines.loaded());
  CHECK(ann.purchases()->back().lines()->empty());
  CHECK(nlohmann::json(first)["lines"] == nlohmann::json::parse(R"([{"id": 100, "sku": "A-1", "purchaseId": 10}])"));
}

TEST_CASE("json: a shopper written with its purchases and home reads back to the same document") {
  const auto document = nlohmann::json::parse(reflections::ann_with_everything);

  const auto ann = document.get<reflections::Shopper>();
  const nlohmann::json written = ann;

  CHECK(written == document);
  CHECK(nlohmann::json(written.get<reflections::Shopper>()) == document);
}

TEST_CASE("json: purchases [] and home null read as loaded with none and are written back") {
  const auto document = nlohmann::json::parse(R"({"id": 3, "name": "Ann", "purchases": [], "home": null})");

  const auto ann = document.get<reflections::Shopper>();

  REQUIRE(ann.purchases.loaded());
  CHECK(ann.purchases()->empty());
  CHECK(ann.home.loaded());
  CHECK(ann.home() == nullptr);
  CHECK(nlohmann::json(ann) == document);
}

TEST_CASE("json: a shopper whose id changed after reading no longer writes its purchases and home") {
  auto ann = nlohmann::json::parse(reflections::ann_with_everything).get<reflections::Shopper>();

  ann.id = 4;
  const nlohmann::json j = ann;

  CHECK_FALSE(ann.purchases.loaded());
  CHECK(ann.purchases() == nullptr);
  CHECK_FALSE(ann.home.loaded());
  CHECK_FALSE(j.contains("purchases"));
  CHECK_FALSE(j.contains("home"));
}

TEST_CASE("json: an embedded purchase or home without shopperId gets the shopper's id") {
  const auto ann = nlohmann::json::parse(R"({"id": 3, "name": "Ann", "purchases": [{"id": 10, "amount": 1}],
                                             "home": {"id": 20, "street": "Main Street 1"}})")
                       .get<reflections::Shopper>();

  CHECK(ann.purchases()->front().shopper.key() == 3);
  CHECK(ann.home()->shopper.key() == 3);
}

TEST_CASE("json: an embedded purchase whose shopperId disagrees with the shopper's id is a validation_error") {
  const auto j = nlohmann::json::parse(R"({"id": 3, "name": "Ann",
      "purchases": [{"id": 10, "amount": 1, "shopperId": 3}, {"id": 11, "amount": 2, "shopperId": 4}]})");

  CHECK(read_error<reflections::Shopper>(j) == "tether: Shopper.purchases[1] has shopperId 4 but Shopper.id is 3");
}

TEST_CASE("json: an embedded home whose shopperId disagrees with the shopper's id is a validation_error") {
  const auto j = nlohmann::json::parse(R"({"id": 3, "name": "Ann", "home": {"id": 20, "street": "", "shopperId": null}})");

  CHECK(read_error<reflections::Shopper>(j) == "tether: Shopper.home has shopperId null but Shopper.id is 3");
}

TEST_CASE("json: purchases that are not an array are a validation_error naming Shopper and purchases") {
  const auto j = nlohmann::json::parse(R"({"id": 3, "name": "Ann", "purchases": {"id": 10, "amount": 1}})");

  CHECK(read_error<reflections::Shopper>(j) ==
        "tether: Shopper.purchases expects a JSON array of Purchase objects, got an object");
}

TEST_CASE("json: a purchase that is not an object is a validation_error naming Shopper, purchases and the element") {
  const auto j = nlohmann::json::parse(R"({"id": 3, "name": "Ann", "purchases": [{"id": 10, "amount": 1}, 11]})");

  CHECK(read_error<reflections::Shopper>(j) ==
        "tether: Shopper.purchases[1] expects a JSON object (a Purchase), got 11");
}

TEST_CASE("json: a home that is neither an object nor null is a validation_error naming Shopper and home") {
  const auto j = nlohmann::json::parse(R"({"id": 3, "name": "Ann", "home": ["Main Street 1"]})");

  CHECK(read_error<reflections::Shopper>(j) ==
        "tether: Shopper.home expects a JSON object (a Home) or null, got an array");
}

TEST_CASE("json: a malformed property of an embedded purchase is a validation_error naming Purchase and it") {
  const auto j = nlohmann::json::parse(R"({"id": 3, "name": "Ann", "purchases": [{"id": 10, "amount": "cheap"}]})");

  CHECK_THAT(read_error<reflections::Shopper>(j), Catch::Contains("Purchase") && Catch::Contains("amount"));
}

TEST_CASE("json: embedded relations nested deeper than tether reads are a validation_error, not a crash") {
  // shopper -> purchase -> shopper -> purchase ... 200 levels, far beyond any include and tether's 64. Not
  // deeper: nlohmann/json copies and destroys documents recursively, and under AddressSanitizer at -O0 a few
  // thousand levels of that overflow the test's own stack before tether reads anything.
  nlohmann::json j = {{"id", 3}, {"name", "Ann"}};
  for (int level = 0; level < 100; ++level) {
    j = {{"id", 3}, {"name", "Ann"}, {"purchases", nlohmann::json::array({{{"id", 10}, {"amount", 1}, {"shopper", j}}})}};
  }

  CHECK_THAT(read_error<reflections::Shopper>(j), Catch::Contains("nests embedded relations"));
}

TEST_CASE("json: a has_many declared by two models learns from JSON which one holds it") {
  const auto desk = nlohmann::json::parse(R"({"id": 1, "notes": [{"id": 5, "deskId": 1, "wallId": null}]})")
                        .get<reflections::Desk>();
  const auto wall = nlohmann::json::parse(R"({"id": 2, "notes": [{"id": 6, "wallId": 2}]})").get<reflections::Wall>();

  REQUIRE(desk.notes.loaded());
  CHECK(desk.notes()->front().id == 5);
  REQUIRE(wall.notes.loaded());
  CHECK(wall.notes()->front().id == 6);
  CHECK(wall.notes()->front().wall.key() == 2);
  CHECK_FALSE(wall.notes()->front().desk.key().has_value());
}

}  // namespace unit_json
