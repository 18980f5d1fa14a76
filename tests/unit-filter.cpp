// tether::filter from JSON (LoopBack's filter) and from the C++ builders, and its checks against the model.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <tether/memory.hpp>
#include <tether/tether.hpp>

namespace unit_filter {

namespace {

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::string, name), (std::optional<std::string>, email),
                           (tether::time_point, since));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (double, amount), (bool, paid), (nlohmann::json, extra),
                           (tether::belongs_to<Customer>, customer));
};

struct shop {
  tether::datasource<tether::memory> db{tether::memory{}};
  tether::repository<Customer> customers = db.repository<Customer>();
  tether::repository<Order> orders = db.repository<Order>();

  shop() {
    db.automigrate<Customer, Order>();
    const auto day = std::chrono::hours(24);
    Customer ann{0, "Ann", "ann@example.com", tether::time_point{} + 1000 * day};
    Customer bob{0, "Bob", std::nullopt, tether::time_point{} + 2000 * day};
    customers.create(ann);
    customers.create(bob);
    for (int i = 1; i <= 6; ++i) {
      Order o{};
      o.amount = i * 10;
      o.paid = i % 2 == 0;
      if (i != 6) o.customer = i <= 3 ? ann.id : bob.id;
      orders.create(o);
    }
  }

  std::vector<std::int64_t> ids(const tether::filter& f) {
    std::vector<std::int64_t> out;
    for (const auto& o : orders.find(f)) out.push_back(o.id);
    return out;
  }
};

using ids = std::vector<std::int64_t>;

}  // namespace

TEST_CASE("parse reads where with equality, operators, and and or") {
  shop s;
  CHECK(s.ids(tether::filter::parse(R"({"where": {"amount": 20}})")) == ids{2});
  CHECK(s.ids(tether::filter::parse(R"({"where": {"amount": {"gt": 40}}})")) == ids{5, 6});
  CHECK(s.ids(tether::filter::parse(R"({"where": {"amount": {"gte": 40}, "paid": true}})")) == ids{4, 6});
  CHECK(s.ids(tether::filter::parse(R"({"where": {"or": [{"amount": {"lt": 20}}, {"amount": {"gte": 60}}]}})")) ==
        ids{1, 6});
  CHECK(s.ids(tether::filter::parse(R"({"where": {"and": [{"amount": {"neq": 10}}, {"paid": false}]}})")) ==
        ids{3, 5});
  CHECK(s.ids(tether::filter::parse(R"({"where": {"amount": {"inq": [10, 30, 99]}}})")) == ids{1, 3});
  CHECK(s.ids(tether::filter::parse(R"({"where": {"amount": {"nin": [10, 30]}}})")) == ids{2, 4, 5, 6});
  CHECK(s.ids(tether::filter::parse(R"({"where": {"amount": {"between": [20, 40]}}})")) == ids{2, 3, 4});
  CHECK(s.ids(tether::filter::parse(R"({"where": {"customerId": null}})")) == ids{6});
  CHECK(s.ids(tether::filter::parse(R"({"where": {"customerId": {"neq": null}}})")) == ids{1, 2, 3, 4, 5});
}

TEST_CASE("parse reads like and nlike, case-sensitive, with % and _") {
  shop s;
  auto names = [&](const char* json) {
    std::vector<std::string> out;
    for (const auto& c : s.customers.find(tether::filter::parse(json))) out.push_back(c.name);
    return out;
  };
  CHECK(names(R"({"where": {"name": {"like": "A%"}}})") == std::vector<std::string>{"Ann"});
  CHECK(names(R"({"where": {"name": {"like": "_o_"}}})") == std::vector<std::string>{"Bob"});
  CHECK(names(R"({"where": {"name": {"like": "a%"}}})").empty());
  CHECK(names(R"({"where": {"name": {"nlike": "A%"}}})") == std::vector<std::string>{"Bob"});
  CHECK(names(R"({"where": {"email": {"like": "%@example.com"}}})") == std::vector<std::string>{"Ann"});
}

TEST_CASE("parse reads dates as ISO-8601 strings") {
  shop s;
  const auto found = s.customers.find(tether::filter::parse(R"({"where": {"since": {"gt": "1974-01-01T00:00:00.000Z"}}})"));
  REQUIRE(found.size() == 1);
  CHECK(found[0].name == "Bob");
}

TEST_CASE("parse reads order, limit, skip and offset") {
  shop s;
  CHECK(s.ids(tether::filter::parse(R"({"order": "amount DESC", "limit": 2})")) == ids{6, 5});
  CHECK(s.ids(tether::filter::parse(R"({"order": ["paid DESC", "amount ASC"], "skip": 1, "limit": 2})")) ==
        ids{4, 6});
  CHECK(s.ids(tether::filter::parse(R"({"order": "amount", "offset": 4})")) == ids{5, 6});
}

TEST_CASE("parse reads fields in the array form and the object form") {
  shop s;
  const auto array = s.customers.find(tether::filter::parse(R"({"fields": ["name"]})"));
  REQUIRE(array.size() == 2);
  CHECK(array[0].name == "Ann");
  CHECK_FALSE(array[0].email.has_value());
  CHECK(array[0].id == 1);
  const auto chosen = s.customers.find(tether::filter::parse(R"({"fields": {"email": true, "name": false}})"));
  CHECK(chosen[0].name.empty());
  CHECK(chosen[0].email == "ann@example.com");
  const auto all_but = s.customers.find(tether::filter::parse(R"({"fields": {"email": false}})"));
  CHECK(all_but[0].name == "Ann");
  CHECK_FALSE(all_but[0].email.has_value());
  CHECK(all_but[0].since != tether::time_point{});
}

TEST_CASE("parse reads every include form") {
  shop s;
  for (const char* json : {R"({"include": "customer"})", R"({"include": ["customer"]})",
                           R"({"include": {"customer": true}})", R"({"include": {"relation": "customer"}})",
                           R"({"include": {"relation": "customer", "scope": {"fields": ["name"]}}})"}) {
    INFO(json);
    const auto rows = s.orders.find(tether::filter::parse(json));
    REQUIRE(rows.size() == 6);
    CHECK(rows[0].customer.loaded());
    CHECK(rows[0].customer()->name == "Ann");
    CHECK(rows[5].customer.loaded());
    CHECK(rows[5].customer() == nullptr);
  }
}

TEST_CASE("parse ignores boolean and number includes, as LoopBack does") {
  shop s;
  const auto rows = s.orders.find(tether::filter::parse(R"({"include": [true, 3]})"));
  CHECK_FALSE(rows[0].customer.loaded());
}

TEST_CASE("parse refuses shapes LoopBack's filter does not have, naming the part") {
  using tether::filter;
  CHECK_THROWS_WITH(filter::parse("{not json"), Catch::Contains("not JSON"));
  CHECK_THROWS_WITH(filter::parse(R"([1, 2])"), Catch::Contains("takes an object"));
  CHECK_THROWS_WITH(filter::parse(R"({"wher": {}})"), Catch::Contains("\"wher\""));
  CHECK_THROWS_WITH(filter::parse(R"({"where": {"amount": {"greater": 3}}})"), Catch::Contains("\"greater\""));
  CHECK_THROWS_WITH(filter::parse(R"({"limit": -1})"), Catch::Contains("limit"));
  CHECK_THROWS_WITH(filter::parse(R"({"limit": "ten"})"), Catch::Contains("limit"));
  CHECK_THROWS_WITH(filter::parse(R"({"where": {"amount": {"between": [1]}}})"), Catch::Contains("two bounds"));
  CHECK_THROWS_WITH(filter::parse(R"({"where": {"amount": {"inq": 3}}})"), Catch::Contains("array"));
  CHECK_THROWS_WITH(filter::parse(R"({"where": {"name": {"like": 3}}})"), Catch::Contains("pattern"));
  CHECK_THROWS_WITH(filter::parse(R"({"where": {"or": {"a": 1}}})"), Catch::Contains("array of conditions"));
  CHECK_THROWS_WITH(filter::parse(R"({"order": 3})"), Catch::Contains("order"));
  CHECK_THROWS_WITH(filter::parse(R"({"fields": {"name": 1}})"), Catch::Contains("true or false"));
  CHECK_THROWS_WITH(filter::parse(R"({"where": {"amount": {"eq": [1, 2]}}})"), Catch::Contains("where.amount"));
  CHECK_THROWS_AS(filter::parse(R"({"include": {"relation": 3}})"), tether::validation_error);
}

TEST_CASE("parse refuses a where tree nested deeper than 64 levels instead of exhausting the stack") {
  std::string deep = R"({"where": )";
  for (int i = 0; i < 200; ++i) deep += R"({"and": [)";
  deep += R"({"amount": 1})";
  for (int i = 0; i < 200; ++i) deep += "]}";
  deep += "}";
  CHECK_THROWS_WITH(tether::filter::parse(deep), Catch::Contains("deeper than 64"));
}

TEST_CASE("names are checked against the model: an unknown property names model and property") {
  shop s;
  CHECK_THROWS_WITH(s.orders.find(tether::filter::parse(R"({"where": {"amuont": 1}})")),
                    Catch::Contains("Order has no property \"amuont\""));
  CHECK_THROWS_WITH(s.orders.find(tether::filter::parse(R"({"order": "amuont DESC"})")),
                    Catch::Contains("Order has no property \"amuont\" (in order)"));
  CHECK_THROWS_WITH(s.orders.find(tether::filter::parse(R"({"fields": ["amuont"]})")),
                    Catch::Contains("(in fields)"));
  CHECK_THROWS_WITH(s.orders.find(tether::filter::parse(R"({"where": {"customer": 1}})")),
                    Catch::Contains("Order has no property \"customer\""));
}

TEST_CASE("values are checked against the property types, naming model, property and value") {
  shop s;
  CHECK_THROWS_WITH(s.orders.find(tether::filter::parse(R"({"where": {"amount": "ten"}})")),
                    Catch::Contains("Order.amount expects a number, got \"ten\""));
  CHECK_THROWS_WITH(s.orders.find(tether::filter::parse(R"({"where": {"customerId": 1.5}})")),
                    Catch::Contains("Order.customerId expects an integer, got 1.5"));
  CHECK_THROWS_WITH(s.orders.find(tether::filter::parse(R"({"where": {"paid": 1}})")),
                    Catch::Contains("Order.paid expects a boolean, got 1"));
  CHECK_THROWS_WITH(s.customers.find(tether::filter::parse(R"({"where": {"since": "yesterday"}})")),
                    Catch::Contains("Customer.since expects a date"));
  CHECK_THROWS_WITH(s.orders.find(tether::filter::parse(R"({"where": {"amount": {"like": "1%"}}})")),
                    Catch::Contains("like and nlike apply to string properties only"));
  CHECK_THROWS_WITH(s.orders.find(tether::filter::parse(R"({"where": {"extra": 1}})")),
                    Catch::Contains("object property"));
  CHECK_THROWS_WITH(s.orders.find(tether::filter::parse(R"({"where": {"amount": {"gt": null}}})")),
                    Catch::Contains("null can only be compared with equality"));
}

TEST_CASE("a real number in a message reads as the shortest text that converts back to it in any locale") {
  shop s;
  const auto refused = [&](double v) { return s.orders.find(tether::filter{}.where("paid", v)); };
  CHECK_THROWS_WITH(refused(1e-7), Catch::EndsWith("Order.paid expects a boolean, got 1e-07"));
  CHECK_THROWS_WITH(refused(0.1), Catch::EndsWith("Order.paid expects a boolean, got 0.1"));
  CHECK_THROWS_WITH(refused(0.1 + 0.2), Catch::EndsWith("Order.paid expects a boolean, got 0.30000000000000004"));
  CHECK_THROWS_WITH(refused(-2.5e300), Catch::EndsWith("Order.paid expects a boolean, got -2.5e+300"));
}

TEST_CASE("an integer written as a whole real number is accepted for an integer property") {
  shop s;
  CHECK(s.ids(tether::filter::parse(R"({"where": {"customerId": 2.0}})")) == ids{4, 5});
}

TEST_CASE("the C++ builders make the same filters as the JSON") {
  shop s;
  const auto g = tether::filter{}.where("amount", tether::gt(10)).order("amount DESC").limit(2).skip(1);
  CHECK(s.ids(g) == s.ids(tether::filter::parse(R"({"where": {"amount": {"gt": 10}}, "order": "amount DESC",
                                                     "limit": 2, "skip": 1})")));
  const auto c = tether::or_(tether::where("amount", tether::lt(15)), tether::where("customerId", nullptr));
  CHECK(s.orders.count(c) == 2);
  CHECK(s.ids(tether::filter{}.where("amount", tether::inq(std::vector<double>{10, 20}))) == ids{1, 2});
  CHECK(s.ids(tether::filter{}.where("amount", tether::between(15, 35))) == ids{2, 3});
  CHECK(s.ids(tether::filter{}.where("amount", tether::nin({10, 20, 30, 40}))) == ids{5, 6});
  CHECK(s.ids(tether::filter{}.where(tether::and_(tether::where("paid", true), tether::where("amount", tether::neq(20))))) ==
        ids{4, 6});
  CHECK(s.customers.count(tether::where("name", tether::nlike("B%"))) == 1);
}

TEST_CASE("several where calls are AND-ed") {
  shop s;
  CHECK(s.ids(tether::filter{}.where("paid", true).where("amount", tether::gt(20))) == ids{4, 6});
}

// Found by fuzzing (tests/fuzz): each of these once crashed, overflowed or escaped as a non-tether exception.

TEST_CASE("a date outside what system_clock can hold is a validation_error, not an overflow") {
  shop s;
  CHECK_THROWS_AS(s.customers.find(tether::filter::parse(R"({"where": {"since": "4442-01-01T00:00:00Z"}})")),
                  tether::validation_error);
  CHECK_THROWS_AS(s.customers.find(tether::filter::parse(R"({"where": {"since": "1200-01-01T00:00:00Z"}})")),
                  tether::validation_error);
}

TEST_CASE("a number too large for a double is a validation_error") {
  CHECK_THROWS_AS(tether::filter::parse("8E888"), tether::validation_error);
  CHECK_THROWS_AS(tether::filter::parse(R"({"limit": 1e400})"), tether::validation_error);
}

TEST_CASE("a limit beyond any count is refused, and the largest integer limit with a skip pages correctly") {
  shop s;
  CHECK_THROWS_AS(tether::filter::parse(R"({"limit": 1e30})"), tether::validation_error);
  CHECK(s.ids(tether::filter::parse(R"({"skip": 1, "limit": 18446744073709551615})")) == ids{2, 3, 4, 5, 6});
}

TEST_CASE("a value nested a hundred thousand levels deep is refused without exhausting the stack") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK_THROWS_AS(tether::filter::parse(deep), tether::validation_error);
  const std::string deep_where = R"({"where": {"amount": )" + deep + "}}";
  CHECK_THROWS_AS(tether::filter::parse(deep_where), tether::validation_error);
}

}  // namespace unit_filter
