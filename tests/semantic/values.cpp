// Values on every connector: each property type stored and read back exactly; hostile strings (quotes,
// semicolons, SQL comments, `%`, `_`, `\`, NUL, unicode) as property values, ids, keys and filter operands; null
// in comparisons and sorting; LIKE's wildcards and escape; times compared as times; ids never handed out twice;
// nested transactions.

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "semantic.hpp"
#include "support/models.hpp"

namespace semantic_values {

namespace {

using tether_test::Customer;
using tether_test::Order;
using tether_test::Sample;
using tether_test::Coupon;

// Links to a string id and by a string property: hostile strings as keys.
struct Redemption {
  BOOST_HANA_DEFINE_STRUCT(Redemption,
      (std::int64_t, id),
      (tether::belongs_to<Coupon>, coupon),
      (tether::belongs_to<Customer, tether::primary_key<"email">>, redeemer));
};

using ids = std::vector<std::int64_t>;

template <class Row>
ids ids_of(const std::vector<Row>& rows) {
  ids out;
  for (const auto& row : rows) out.push_back(row.id);
  return out;
}

template <class M>
M created(tether::repository<M> repo, M row) {
  repo.create(row);
  return row;
}

Order order_of(std::string description, double amount, std::optional<std::int64_t> customer) {
  Order o{};
  o.description = std::move(description);
  o.amount = amount;
  o.customer = customer;
  return o;
}

/// order 1 "pencils" 5 -> customer 1, 2 "paper" 12.5 -> 1, 3 "ink" 20 -> 2, 4 "stapler" 10 -> none,
/// 5 "Pens" 30 -> 2; customer 1 Alice has an email, 2 Bob has none.
void seed(tether_test::datasource& db) {
  db.automigrate<Customer, Order>();
  auto customers = db.repository<Customer>();
  const auto alice = created(customers, Customer{0, "Alice", "alice@example.com"});
  const auto bob = created(customers, Customer{0, "Bob", std::nullopt});
  auto orders = db.repository<Order>();
  for (auto o : {order_of("pencils", 5.0, alice.id), order_of("paper", 12.5, alice.id), order_of("ink", 20.0, bob.id),
                 order_of("stapler", 10.0, std::nullopt), order_of("Pens", 30.0, bob.id)})
    orders.create(o);
}

ids order_ids(tether_test::datasource& db, const tether::filter& f) {
  return ids_of(db.repository<Order>().find(f));
}

tether::time_point at_ns(std::int64_t ns) {
  return tether::time_point(std::chrono::duration_cast<tether::time_point::duration>(std::chrono::nanoseconds(ns)));
}

const std::string hostile = "O'Brien \"the\" ; DROP TABLE \"Customer\"; -- 100% _x_ \\ é 日本 🎉 $1 ?";

}  // namespace

TEST_CASE("every property type round-trips exactly, hostile strings and JSON included") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Sample>();
  auto samples = db.repository<Sample>();
  Sample full{};
  full.small = -42;
  full.tiny = 65535;
  full.ratio = 0.25f;
  full.real = -1.0e300;
  full.flag = true;
  full.text = hostile;
  full.at = at_ns(1'764'000'000'123'456'000);
  full.data = {{"quote", hostile}, {"list", {1, 2.5, nullptr}}};
  full.maybe_int = -7;
  full.maybe_real = 3.5;
  full.maybe_flag = false;
  full.maybe_text = "";
  full.maybe_at = at_ns(-86'400'000'000'000);
  full.maybe_data = nlohmann::json(nullptr);
  Sample empty{};
  samples.create(full);
  samples.create(empty);

  const auto rows = samples.find();
  REQUIRE(rows.size() == 2u);
  const auto& r = rows[0];
  CHECK(r.small == -42);
  CHECK(r.tiny == 65535);
  CHECK(r.ratio == 0.25f);
  CHECK(r.real == -1.0e300);
  CHECK(r.flag);
  CHECK(r.text == hostile);
  CHECK(r.at == full.at);
  CHECK(r.data == full.data);
  CHECK(r.maybe_int == -7);
  CHECK(r.maybe_real == 3.5);
  CHECK(r.maybe_flag == false);
  CHECK(r.maybe_text == "");
  CHECK(r.maybe_at == full.maybe_at);
  REQUIRE(r.maybe_data.has_value());
  CHECK(r.maybe_data->is_null());
  const auto& e = rows[1];
  CHECK(e.text.empty());
  CHECK(e.at == tether::time_point{});
  CHECK(e.data.is_null());
  CHECK_FALSE(e.maybe_int.has_value());
  CHECK_FALSE(e.maybe_text.has_value());
  CHECK_FALSE(e.maybe_at.has_value());
  CHECK_FALSE(e.maybe_data.has_value());
}

TEST_CASE("hostile strings are values in every filter operator, never query text") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  (void)created(customers, Customer{0, hostile, hostile});
  (void)created(customers, Customer{0, "plain", std::nullopt});
  const auto names = [&](tether::filter f) { return ids_of(customers.find(f)); };
  CHECK(names(tether::filter{}.where("name", hostile)) == ids{1});
  CHECK(names(tether::filter{}.where("email", hostile)) == ids{1});
  CHECK(names(tether::filter{}.where("name", tether::neq(hostile))) == ids{2});
  CHECK(names(tether::filter{}.where("name", tether::inq(std::vector<std::string>{hostile, "x"}))) == ids{1});
  CHECK(names(tether::filter{}.where("name", tether::nin(std::vector<std::string>{hostile}))) == ids{2});
  CHECK(names(tether::filter{}.where("name", tether::lte(hostile))) == ids{1});  // 'O' < 'p'
  CHECK(names(tether::filter{}.where("name", tether::gt(hostile))) == ids{2});
  CHECK(names(tether::filter{}.where("name", tether::between(hostile, hostile))) == ids{1});
  CHECK(names(tether::filter{}.where("name", tether::like("%DROP TABLE \"Customer\"; --%"))) == ids{1});
  CHECK(names(tether::filter{}.where("name", tether::like("%100\\% \\_x\\_ \\\\ é 日本 🎉%"))) == ids{1});
  CHECK(names(tether::filter{}.where("name", tether::nlike("O'Brien%"))) == ids{2});
  CHECK(customers.count(tether::where("name", hostile)) == 1u);
  CHECK(customers.count() == 2u);
}

TEST_CASE("hostile strings as ids and as keys link, load and include exactly") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Coupon, Redemption>();
  const auto alice = created(db.repository<Customer>(), Customer{0, "Alice", hostile + "@example.com"});
  const auto coupon = created(db.repository<Coupon>(), Coupon{hostile, 0.5});
  (void)created(db.repository<Coupon>(), Coupon{hostile + "2", 0.25});
  Redemption r{};
  r.coupon = coupon.code;
  r.redeemer = *alice.email;
  db.repository<Redemption>().create(r);

  REQUIRE(db.repository<Coupon>().find_by_id(hostile));
  CHECK(db.repository<Coupon>().find_by_id(hostile)->discount == 0.5);
  auto stored = *db.repository<Redemption>().find_by_id(r.id);
  REQUIRE(stored.coupon.get().get());
  CHECK(stored.coupon()->code == hostile);
  REQUIRE(stored.redeemer.get().get());
  CHECK(stored.redeemer()->id == alice.id);
  const auto rows = db.repository<Redemption>().find(tether::filter{}.include("coupon").include("redeemer"));
  REQUIRE(rows.size() == 1u);
  REQUIRE(rows[0].coupon());
  CHECK(rows[0].coupon()->code == hostile);
  REQUIRE(rows[0].redeemer());
  CHECK(rows[0].redeemer()->email == alice.email);
  CHECK(db.repository<Coupon>().remove_by_id(hostile + "2"));
  CHECK_THROWS_AS(db.repository<Coupon>().remove_by_id(hostile), tether::constraint_error);
}

TEST_CASE("null matches only eq null, and neq, nin and nlike never match a null") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  using tether::filter;
  CHECK(order_ids(db, filter{}.where("customerId", nullptr)) == ids{4});
  CHECK(order_ids(db, filter{}.where("customerId", tether::neq(nullptr))) == ids{1, 2, 3, 5});
  CHECK(order_ids(db, filter{}.where("customerId", tether::neq(1))) == ids{3, 5});
  CHECK(order_ids(db, filter{}.where("customerId", tether::nin(std::vector<std::int64_t>{1}))) == ids{3, 5});
  CHECK(order_ids(db, filter{}.where("customerId", tether::inq(std::vector<std::int64_t>{}))) == ids{});
  CHECK(order_ids(db, filter{}.where("customerId", tether::nin(std::vector<std::int64_t>{}))) == ids{1, 2, 3, 5});
  auto customers = db.repository<Customer>();
  CHECK(ids_of(customers.find(filter{}.where("email", tether::nlike("x%")))) == ids{1});
  CHECK(ids_of(customers.find(filter{}.where("email", tether::neq("x")))) == ids{1});
}

TEST_CASE("nulls sort first ascending and last descending, ties by id") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.order("customerId")) == ids{4, 1, 2, 3, 5});
  CHECK(order_ids(db, tether::filter{}.order("customerId DESC")) == ids{3, 5, 1, 2, 4});
  CHECK(order_ids(db, tether::filter{}.order("description")) == ids{5, 3, 2, 1, 4});  // bytes: 'P' < 'i'
  CHECK(order_ids(db, tether::filter{}.order("amount DESC").skip(1).limit(2)) == ids{3, 2});
  CHECK(order_ids(db, tether::filter{}.skip(10)) == ids{});
}

TEST_CASE("like is case-sensitive and byte-wise, with % and _ as wildcards and backslash as escape") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  for (const char* name : {"100%", "1000", "a_b", "axb", "Abc", "abc", "é", "back\\slash", "end\\"})
    (void)created(customers, Customer{0, name, {}});
  auto like = [&](const char* pattern) {
    return ids_of(customers.find(tether::filter{}.where("name", tether::like(pattern))));
  };
  CHECK(like("100\\%") == ids{1});
  CHECK(like("100%") == ids{1, 2});
  CHECK(like("a\\_b") == ids{3});
  CHECK(like("a_b") == ids{3, 4});
  CHECK(like("abc") == ids{6});
  CHECK(like("A%") == ids{5});
  CHECK(like("__") == ids{7});  // "é" is two bytes
  CHECK(like("back\\\\slash") == ids{8});
  CHECK(like("%\\\\%") == ids{8, 9});
  CHECK(like("end\\") == ids{9});  // a lone trailing backslash is literal
}

TEST_CASE("times compare and sort as times, before 1970 too") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Sample>();
  auto samples = db.repository<Sample>();
  for (std::int64_t ns : {3'000'000'000LL, -5'000'000'000LL, 1'000'001'000LL}) {
    Sample s{};
    s.at = at_ns(ns);
    samples.create(s);
  }
  CHECK(ids_of(samples.find(tether::filter{}.order("at"))) == ids{2, 3, 1});
  CHECK(ids_of(samples.find(tether::filter{}.where("at", tether::gt(at_ns(1'000'000'000))))) == ids{1, 3});
  CHECK(ids_of(samples.find(tether::filter{}.where("at", at_ns(-5'000'000'000LL)))) == ids{2});
  CHECK(ids_of(samples.find(tether::filter{}.where(
            "at", tether::inq(std::vector<tether::time_point>{at_ns(-5'000'000'000LL), at_ns(3'000'000'000LL)})))) ==
        ids{1, 2});
}

TEST_CASE("a generated id is never handed out twice, even after the highest row is removed") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  CHECK(created(customers, Customer{0, "a", std::nullopt}).id == 1);
  CHECK(created(customers, Customer{10, "ten", std::nullopt}).id == 10);
  CHECK(created(customers, Customer{0, "b", std::nullopt}).id == 11);
  CHECK(customers.remove_by_id(11));
  CHECK(created(customers, Customer{0, "c", std::nullopt}).id == 12);
}

TEST_CASE("nested transactions roll back to their own start") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  db.transaction([&] {
    (void)created(customers, Customer{0, "outer", std::nullopt});
    CHECK_THROWS_AS(db.transaction([&] {
      (void)created(customers, Customer{0, "inner", std::nullopt});
      throw std::runtime_error("inner");
    }),
                    std::runtime_error);
  });
  const auto rows = customers.find();
  REQUIRE(rows.size() == 1u);
  CHECK(rows[0].name == "outer");
}

TEST_CASE("a write refused inside a transaction undoes itself only") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  auto customers = db.repository<Customer>();
  db.transaction([&] {
    const auto alice = created(customers, Customer{0, "Alice", std::nullopt});
    Order bad = order_of("bad", 1, 77);
    CHECK_THROWS_AS(db.repository<Order>().create(bad), tether::constraint_error);
    (void)created(db.repository<Order>(), order_of("good", 1, alice.id));
  });
  CHECK(customers.count() == 1u);
  CHECK(db.repository<Order>().count() == 1u);
}

}  // namespace semantic_values
