// has_many's and has_one's accessors, row by row of the reflections' table in docs/reflections.md, with their
// failure paths: the same guarantees as belongs_to's, on every connector.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "semantic.hpp"

namespace semantic_reflection {

namespace {

struct Purchase;
struct Locker;

struct Shop {
  BOOST_HANA_DEFINE_STRUCT(Shop, (std::int64_t, id), (std::string, name), (tether::has_many<Purchase>, purchases),
                           (tether::has_one<Locker>, locker));
};

struct Purchase {
  BOOST_HANA_DEFINE_STRUCT(Purchase, (std::int64_t, id), (double, amount), (tether::belongs_to<Shop>, shop));
};

struct Locker {
  BOOST_HANA_DEFINE_STRUCT(Locker, (std::int64_t, id), (std::string, code), (tether::belongs_to<Shop>, shop));
};

// A has_many of the model itself: an employee's reports are the employees whose manager they are.
struct Employee {
  BOOST_HANA_DEFINE_STRUCT(Employee, (std::int64_t, id), (std::string, name),
                           (tether::belongs_to<Employee, tether::key_type<std::int64_t>>, manager),
                           (tether::has_many<Employee>, reports));
};

// Two belongs_to back to one model: inverse<> says which one each reflection reflects.
struct Parcel;
struct Depot {
  BOOST_HANA_DEFINE_STRUCT(Depot, (std::int64_t, id), (std::string, name),
                           (tether::has_many<Parcel, tether::inverse<"billing">>, billed),
                           (tether::has_many<Parcel, tether::inverse<"shipping">>, shipped));
};
struct Parcel {
  BOOST_HANA_DEFINE_STRUCT(Parcel, (std::int64_t, id), (tether::belongs_to<Depot>, billing),
                           (tether::belongs_to<Depot>, shipping));
};

// One member type, has_many<Stall>, declared by two models: a member learns its owner when the owner passes
// through a datasource.
struct Stall;
struct Mall {
  BOOST_HANA_DEFINE_STRUCT(Mall, (std::int64_t, id), (tether::has_many<Stall>, stalls));
};
struct Market {
  BOOST_HANA_DEFINE_STRUCT(Market, (std::int64_t, id), (tether::has_many<Stall>, stalls));
};
struct Stall {
  BOOST_HANA_DEFINE_STRUCT(Stall, (std::int64_t, id), (tether::belongs_to<Mall>, mall),
                           (tether::belongs_to<Market>, market));
};

using purchases_ptr = std::shared_ptr<const std::vector<Purchase>>;

/// A datasource with shops Ann (purchases of 30, 10 and 20, and locker A1) and Bob (a purchase of 50, no locker),
/// and a counter of round trips.
struct mall {
  tether_test::datasource db{tether_test::make_connector()};
  // on_query runs on the thread that makes the round trip: a worker, for PostgreSQL's loads.
  std::atomic<int> round_trips{0};
  tether::repository<Shop> shops = db.repository<Shop>();
  tether::repository<Purchase> purchases = db.repository<Purchase>();
  tether::repository<Locker> lockers = db.repository<Locker>();
  Shop ann{};
  Shop bob{};

  mall() {
    db.automigrate<Shop, Purchase, Locker, Employee, Depot, Parcel, Mall, Market, Stall>();
    ann.name = "Ann";
    bob.name = "Bob";
    shops.create(ann);
    shops.create(bob);
    for (const double amount : {30.0, 10.0, 20.0}) buy(ann.id, amount);
    buy(bob.id, 50);
    Locker a1{};
    a1.code = "A1";
    a1.shop = ann.id;
    lockers.create(a1);
    db.on_query([this](const tether::query_event&) { ++round_trips; });
  }

  void buy(std::int64_t shop, double amount) {
    Purchase p{};
    p.amount = amount;
    p.shop = shop;
    purchases.create(p);
  }

  /// A shop as the datasource hands it out.
  Shop stored(const Shop& s) const { return *shops.find_by_id(s.id); }
};

std::vector<double> amounts(const purchases_ptr& rows) {
  std::vector<double> out;
  for (const auto& p : *rows) out.push_back(p.amount);
  return out;
}

/// Records the calls of a reflection's callback, which may run on a worker thread: assertions stay on the test's.
template <class Answer>
class callback_calls {
public:
  using result = std::pair<std::exception_ptr, std::shared_ptr<Answer>>;

  auto callback() {
    return [this](std::exception_ptr failure, std::shared_ptr<Answer> answer) {
      std::lock_guard lock(mutex_);
      if (calls_++ == 0) first_.set_value({std::move(failure), std::move(answer)});
    };
  }
  result first() {
    auto f = first_.get_future();
    REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    return f.get();
  }
  int count() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

private:
  std::mutex mutex_;
  int calls_ = 0;
  std::promise<result> first_;
};

template <class T>
bool is_ready(const tether::future<T>& f) {
  return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

}  // namespace

// --- has_many ------------------------------------------------------------------------------------------------

TEST_CASE("shop.purchases() is null and not loaded before any load, and does no I/O") {
  mall m;
  const Shop ann = m.stored(m.ann);
  m.round_trips = 0;
  CHECK(ann.purchases() == nullptr);
  CHECK_FALSE(ann.purchases.loaded());
  CHECK(m.round_trips == 0);
}

TEST_CASE("purchases.get() loads the owner's rows by id ascending in one query and caches the snapshot") {
  mall m;
  const Shop ann = m.stored(m.ann);
  m.round_trips = 0;
  const purchases_ptr rows = ann.purchases.get().get();
  REQUIRE(rows != nullptr);
  CHECK(amounts(rows) == std::vector<double>{30, 10, 20});
  CHECK(m.round_trips == 1);
  for (const auto& p : *rows) {
    CHECK(p.shop.key() == ann.id);
    CHECK_FALSE(p.shop.loaded());  // each row's own belongs_to has its key and is not filled
  }
  CHECK(ann.purchases.loaded());
  CHECK(ann.purchases() == rows);
  CHECK(m.round_trips == 1);
}

TEST_CASE("a cached purchases.get() is a ready future with no I/O") {
  mall m;
  const Shop ann = m.stored(m.ann);
  const auto first = ann.purchases.get().get();
  m.round_trips = 0;
  auto again = ann.purchases.get();
  CHECK(is_ready(again));
  CHECK(again.get() == first);
  CHECK(m.round_trips == 0);
}

TEST_CASE("an owner not created yet has no rows and no row, with no I/O") {
  mall m;
  const Shop fresh{};
  m.round_trips = 0;
  auto rows = fresh.purchases.get();
  CHECK(is_ready(rows));
  const auto got = rows.get();
  REQUIRE(got != nullptr);
  CHECK(got->empty());
  CHECK(fresh.purchases.loaded());
  auto locker = fresh.locker.get();
  CHECK(is_ready(locker));
  CHECK(locker.get() == nullptr);
  CHECK(fresh.locker.loaded());
  CHECK(fresh.purchases.get(tether::filter{}.where("amount", tether::gt(1))).get()->empty());
  CHECK(m.round_trips == 0);
}

TEST_CASE("an owner with no rows gets an empty vector, which counts as loaded") {
  mall m;
  Shop empty{};
  empty.name = "Cy";
  m.shops.create(empty);
  m.round_trips = 0;
  const auto rows = empty.purchases.get().get();
  REQUIRE(rows != nullptr);
  CHECK(rows->empty());
  CHECK(empty.purchases.loaded());
  CHECK(m.round_trips == 1);
  CHECK(empty.purchases.get().get() == rows);
  CHECK(m.round_trips == 1);
}

TEST_CASE("the cache is tied to the owner's id: another id unloads it until a load for that id") {
  mall m;
  Shop s = m.stored(m.ann);
  const auto ann_rows = s.purchases.get().get();
  s.id = m.bob.id;
  CHECK_FALSE(s.purchases.loaded());
  CHECK(s.purchases() == nullptr);
  m.round_trips = 0;
  CHECK(amounts(s.purchases.get().get()) == std::vector<double>{50});
  CHECK(m.round_trips == 1);
  CHECK(s.purchases.loaded());
  s.id = m.ann.id;  // the newest answer is Bob's: Ann's is loaded again
  CHECK_FALSE(s.purchases.loaded());
  const auto again = s.purchases.get().get();
  CHECK(m.round_trips == 2);
  CHECK(again != ann_rows);
  CHECK(amounts(again) == std::vector<double>{30, 10, 20});
}

TEST_CASE("purchases.get(tether::refresh) reads again, and a snapshot already held does not change") {
  mall m;
  const Shop ann = m.stored(m.ann);
  const auto before = ann.purchases.get().get();
  m.buy(ann.id, 40);
  CHECK(ann.purchases() == before);
  m.round_trips = 0;
  const auto after = ann.purchases.get(tether::refresh).get();
  CHECK(m.round_trips == 1);
  CHECK(amounts(after) == std::vector<double>{30, 10, 20, 40});
  CHECK(ann.purchases() == after);
  CHECK(amounts(before) == std::vector<double>{30, 10, 20});
}

TEST_CASE("purchases.get(filter) adds its where to the key condition and leaves the cache alone") {
  mall m;
  const Shop ann = m.stored(m.ann);
  const auto full = ann.purchases.get().get();
  m.round_trips = 0;
  const auto big = ann.purchases.get(tether::filter{}.where("amount", tether::gt(15))).get();
  CHECK(m.round_trips == 1);
  CHECK(amounts(big) == std::vector<double>{30, 20});  // Bob's 50 is not Ann's
  CHECK(ann.purchases() == full);
}

TEST_CASE("purchases.get(filter) applies order, limit and skip to the owner's rows, and caches nothing") {
  mall m;
  const Shop ann = m.stored(m.ann);
  const auto page = ann.purchases.get(tether::filter{}.order("amount DESC").limit(2).skip(1)).get();
  CHECK(amounts(page) == std::vector<double>{20, 10});
  CHECK_FALSE(ann.purchases.loaded());
  CHECK(amounts(ann.purchases.get(tether::filter{}.limit(1)).get()) == std::vector<double>{30});
  CHECK_FALSE(ann.purchases.loaded());
}

TEST_CASE("purchases.get(filter) with fields returns the selection and leaves the cache alone") {
  mall m;
  const Shop ann = m.stored(m.ann);
  const auto full = ann.purchases.get().get();
  const auto ids = ann.purchases.get(tether::filter{}.fields({"id"})).get();
  REQUIRE(ids->size() == 3);
  CHECK(ids->front().id == full->front().id);
  CHECK(ids->front().amount == 0);
  CHECK(ann.purchases() == full);
}

TEST_CASE("purchases.get(filter) includes a relation of the owner's rows, in one more query") {
  mall m;
  const Shop ann = m.stored(m.ann);
  m.round_trips = 0;
  const auto rows = ann.purchases.get(tether::filter{}.include("shop")).get();
  CHECK(m.round_trips == 2);
  REQUIRE(rows->size() == 3);
  for (const auto& p : *rows) {
    REQUIRE(p.shop.loaded());
    CHECK(p.shop()->name == "Ann");
  }
  CHECK((*rows)[0].shop() == (*rows)[2].shop());
  CHECK(ann.purchases.loaded());  // an include narrows nothing
}

TEST_CASE("purchases.get(filter) that narrows nothing replaces the cache") {
  mall m;
  const Shop ann = m.stored(m.ann);
  const auto first = ann.purchases.get().get();
  const auto sorted = ann.purchases.get(tether::filter{}.order("amount DESC")).get();
  CHECK(amounts(sorted) == std::vector<double>{30, 20, 10});
  CHECK(sorted != first);
  CHECK(ann.purchases() == sorted);
}

TEST_CASE("purchases.get(filter) naming no property fails inside the future with a validation_error") {
  mall m;
  const Shop ann = m.stored(m.ann);
  auto future = ann.purchases.get(tether::filter{}.where("amuont", 1));
  CHECK_THROWS_AS(future.get(), tether::validation_error);
  CHECK_THROWS_WITH(ann.purchases.get(tether::filter{}.where("amuont", 1)).get(),
                    Catch::Contains("Purchase") && Catch::Contains("amuont"));
}

TEST_CASE("the purchases callback form runs exactly once with the rows, and caches them") {
  callback_calls<const std::vector<Purchase>> calls;
  {
    mall m;
    const Shop ann = m.stored(m.ann);
    ann.purchases(calls.callback());
    const auto [failure, rows] = calls.first();
    CHECK_FALSE(failure);
    REQUIRE(rows != nullptr);
    CHECK(amounts(rows) == std::vector<double>{30, 10, 20});
    CHECK(ann.purchases() == rows);
  }  // the datasource waits for its loads, so any second call would have happened by now
  CHECK(calls.count() == 1);
}

TEST_CASE("the purchases filter-and-callback form loads with the filter, exactly once") {
  callback_calls<const std::vector<Purchase>> calls;
  {
    mall m;
    const Shop ann = m.stored(m.ann);
    ann.purchases(tether::filter{}.where("amount", tether::lt(25)), calls.callback());
    const auto [failure, rows] = calls.first();
    REQUIRE_FALSE(failure);
    CHECK(amounts(rows) == std::vector<double>{10, 20});
    CHECK_FALSE(ann.purchases.loaded());
  }
  CHECK(calls.count() == 1);
}

TEST_CASE("a failed load reaches the purchases callback as an exception_ptr, exactly once") {
  callback_calls<const std::vector<Purchase>> calls;
  {
    mall m;
    const Shop ann = m.stored(m.ann);
    ann.purchases(tether::filter{}.order("nmae"), calls.callback());
    const auto [failure, rows] = calls.first();
    CHECK(rows == nullptr);
    REQUIRE(failure);
    CHECK_THROWS_AS(std::rethrow_exception(failure), tether::validation_error);
  }
  CHECK(calls.count() == 1);
}

TEST_CASE("purchases.create sets the key, creates the row and returns it with its id") {
  mall m;
  Shop bob = m.stored(m.bob);
  Purchase p{};
  p.amount = 7;
  const Purchase created = bob.purchases.create(p);
  CHECK(created.id != 0);
  CHECK(created.shop.key() == bob.id);
  CHECK(created.amount == 7);
  const auto stored = m.purchases.find_by_id(created.id);
  REQUIRE(stored.has_value());
  CHECK(stored->shop.key() == bob.id);
  CHECK_FALSE(bob.purchases.loaded());  // nothing was loaded: nothing to append to
  CHECK(amounts(bob.purchases.get().get()) == std::vector<double>{50, 7});
}

TEST_CASE("purchases.create gives a loaded cache a new snapshot with the row appended") {
  mall m;
  Shop ann = m.stored(m.ann);
  const auto held = ann.purchases.get().get();
  m.round_trips = 0;
  Purchase p{};
  p.amount = 99;
  const Purchase created = ann.purchases.create(p);
  CHECK(m.round_trips == 1);  // the insert; the cache is not read again
  REQUIRE(ann.purchases.loaded());
  const auto now = ann.purchases();
  CHECK(now != held);
  CHECK(amounts(now) == std::vector<double>{30, 10, 20, 99});
  CHECK(now->back().id == created.id);
  CHECK(amounts(held) == std::vector<double>{30, 10, 20});
}

TEST_CASE("a refused purchases.create changes nothing") {
  mall m;
  Shop ann = m.stored(m.ann);
  const auto held = ann.purchases.get().get();
  Purchase duplicate{};
  duplicate.id = held->front().id;
  duplicate.amount = 1;
  CHECK_THROWS_AS(ann.purchases.create(duplicate), tether::constraint_error);
  CHECK(ann.purchases() == held);
  CHECK(held->size() == 3);
  CHECK(m.purchases.count() == 4);
}

TEST_CASE("create through an owner not created yet is refused, naming both models") {
  mall m;
  Shop fresh{};
  CHECK_THROWS_AS(fresh.purchases.create(Purchase{}), tether::error);
  CHECK_THROWS_WITH(fresh.purchases.create(Purchase{}), Catch::Contains("Purchase") && Catch::Contains("Shop"));
  CHECK_THROWS_AS(fresh.locker.create(Locker{}), tether::error);
  CHECK(m.purchases.count() == 4);
  CHECK(m.lockers.count() == 1);
}

TEST_CASE("a copy of the owner shares the cached snapshot, and a move moves it") {
  mall m;
  Shop ann = m.stored(m.ann);
  const auto rows = ann.purchases.get().get();
  const auto locker = ann.locker.get().get();
  Shop copy = ann;
  CHECK(copy.purchases() == rows);
  CHECK(copy.locker() == locker);
  copy.id = m.bob.id;
  CHECK(ann.purchases() == rows);
  Shop moved = std::move(ann);
  CHECK(moved.purchases() == rows);
  CHECK(moved.locker() == locker);
  m.round_trips = 0;
  CHECK(moved.purchases.get().get() == rows);
  CHECK(m.round_trips == 0);
}

TEST_CASE("an owner made by hand loads through the datasource its target model is attached to") {
  mall m;
  Shop by_hand{};
  by_hand.id = m.ann.id;
  CHECK(amounts(by_hand.purchases.get().get()) == std::vector<double>{30, 10, 20});
  CHECK(by_hand.locker.get().get()->code == "A1");
}

TEST_CASE("an owner loads through the datasource it came from, even when its target is attached elsewhere") {
  mall first;
  const Shop ann = first.stored(first.ann);
  mall second;
  second.buy(second.ann.id, 1);
  CHECK(amounts(ann.purchases.get().get()) == std::vector<double>{30, 10, 20});
  Shop by_hand{};
  by_hand.id = first.ann.id;
  CHECK(amounts(by_hand.purchases.get().get()) == std::vector<double>{30, 10, 20, 1});
}

TEST_CASE("with no datasource to use, the future holds tether::not_attached naming the target and the key") {
  std::optional<Shop> ann;
  {
    mall m;
    ann = m.stored(m.ann);
  }
  CHECK_THROWS_AS(ann->purchases.get().get(), tether::not_attached);
  CHECK_THROWS_WITH(ann->purchases.get().get(), Catch::Contains("Purchase shopId 1"));
  CHECK_THROWS_WITH(ann->locker.get().get(), Catch::Contains("Locker shopId 1"));
  CHECK_FALSE(ann->purchases.loaded());
  Purchase p{};
  CHECK_THROWS_AS(ann->purchases.create(p), tether::not_attached);
}

TEST_CASE("a member whose owner cannot be told fails inside the future, and works once the owner is loaded") {
  mall m;
  auto malls = m.db.repository<Mall>();
  Mall made{};
  malls.create(made);
  Stall stall{};
  stall.mall = made.id;
  m.db.repository<Stall>().create(stall);

  Mall by_hand{};
  by_hand.id = made.id;
  CHECK(by_hand.stalls() == nullptr);
  CHECK_FALSE(by_hand.stalls.loaded());
  CHECK_THROWS_AS(by_hand.stalls.get().get(), tether::error);
  CHECK_THROWS_WITH(by_hand.stalls.get().get(), Catch::Contains("declared by several models"));
  callback_calls<const std::vector<Stall>> calls;
  by_hand.stalls(calls.callback());
  CHECK(calls.first().first != nullptr);
  CHECK(calls.count() == 1);
  CHECK_THROWS_AS(by_hand.stalls.create(Stall{}), tether::error);

  const Mall loaded = *malls.find_by_id(made.id);
  const auto stalls = loaded.stalls.get().get();
  REQUIRE(stalls->size() == 1);
  CHECK(stalls->front().id == stall.id);
  CHECK(made.stalls.get().get()->size() == 1);  // created through the datasource: it knows its owner too
}

TEST_CASE("a has_many of the model itself: a manager's reports") {
  mall m;
  auto employees = m.db.repository<Employee>();
  Employee boss{};
  boss.name = "Boss";
  employees.create(boss);
  Employee worker{};
  worker.name = "Worker";
  worker.manager = boss.id;
  employees.create(worker);
  const Employee intern = boss.reports.create([] {
    Employee e{};
    e.name = "Intern";
    return e;
  }());
  CHECK(intern.manager.key() == boss.id);
  const auto reports = employees.find_by_id(boss.id)->reports.get().get();
  REQUIRE(reports->size() == 2);
  CHECK((*reports)[0].name == "Worker");
  CHECK((*reports)[1].name == "Intern");
  CHECK((*reports)[0].reports.get().get()->empty());
  CHECK((*reports)[0].manager.get().get()->name == "Boss");
}

TEST_CASE("inverse<> reflects the belongs_to it names: a depot's billed and shipped parcels") {
  mall m;
  auto depots = m.db.repository<Depot>();
  Depot north{};
  north.name = "North";
  depots.create(north);
  Depot south{};
  south.name = "South";
  depots.create(south);
  Parcel p{};
  p.billing = north.id;
  p.shipping = south.id;
  m.db.repository<Parcel>().create(p);
  const Parcel shipped_north = north.shipped.create(Parcel{});
  CHECK(shipped_north.shipping.key() == north.id);
  CHECK_FALSE(shipped_north.billing.key().has_value());

  const auto billed = north.billed.get().get();
  REQUIRE(billed->size() == 1);
  CHECK(billed->front().id == p.id);
  CHECK(north.shipped.get().get()->size() == 1);
  CHECK(north.shipped.get().get()->front().id == shipped_north.id);
  CHECK(south.billed.get().get()->empty());
  CHECK(south.shipped.get().get()->front().id == p.id);
}

// --- has_one -------------------------------------------------------------------------------------------------

TEST_CASE("shop.locker() is null and not loaded before any load, and does no I/O") {
  mall m;
  const Shop ann = m.stored(m.ann);
  m.round_trips = 0;
  CHECK(ann.locker() == nullptr);
  CHECK_FALSE(ann.locker.loaded());
  CHECK(m.round_trips == 0);
}

TEST_CASE("locker.get() loads the one row whose key is the owner's in one query, and caches it") {
  mall m;
  const Shop ann = m.stored(m.ann);
  m.round_trips = 0;
  const std::shared_ptr<Locker> locker = ann.locker.get().get();
  REQUIRE(locker != nullptr);
  CHECK(locker->code == "A1");
  CHECK(locker->shop.key() == ann.id);
  CHECK(m.round_trips == 1);
  CHECK(ann.locker.loaded());
  CHECK(ann.locker() == locker);
  auto again = ann.locker.get();
  CHECK(is_ready(again));
  CHECK(again.get() == locker);
  CHECK(m.round_trips == 1);
}

TEST_CASE("an owner with no related row gets null, which counts as loaded") {
  mall m;
  const Shop bob = m.stored(m.bob);
  CHECK(bob.locker.get().get() == nullptr);
  CHECK(bob.locker.loaded());
  m.round_trips = 0;
  CHECK(bob.locker.get().get() == nullptr);
  CHECK(m.round_trips == 0);
}

TEST_CASE("locker.get(tether::refresh) reads again and sees the store's current row") {
  mall m;
  const Shop ann = m.stored(m.ann);
  const auto before = ann.locker.get().get();
  Locker moved = *before;
  moved.code = "B7";
  m.lockers.update(moved);
  CHECK(ann.locker()->code == "A1");
  CHECK(ann.locker.get(tether::refresh).get()->code == "B7");
  CHECK(ann.locker()->code == "B7");
  CHECK(before->code == "A1");
}

TEST_CASE("locker.get(filter) adds its where to the key condition, and a narrowing filter leaves the cache alone") {
  mall m;
  const Shop ann = m.stored(m.ann);
  const auto full = ann.locker.get().get();
  CHECK(ann.locker.get(tether::filter{}.where("code", "Z9")).get() == nullptr);
  const auto partial = ann.locker.get(tether::filter{}.fields({"id"})).get();
  REQUIRE(partial != nullptr);
  CHECK(partial->code.empty());
  CHECK(ann.locker() == full);
  const Shop bob = m.stored(m.bob);
  CHECK(bob.locker.get(tether::filter{}.where("code", "A1")).get() == nullptr);  // Ann's locker is not Bob's
  const auto replaced = ann.locker.get(tether::filter{}.include("shop")).get();
  CHECK(ann.locker() == replaced);
  CHECK(replaced->shop()->name == "Ann");
}

TEST_CASE("the locker callback forms run exactly once") {
  callback_calls<Locker> plain;
  callback_calls<Locker> filtered;
  {
    mall m;
    const Shop ann = m.stored(m.ann);
    ann.locker(plain.callback());
    ann.locker(tether::filter{}.where("code", "Z9"), filtered.callback());
    const auto [failure, locker] = plain.first();
    CHECK_FALSE(failure);
    REQUIRE(locker != nullptr);
    CHECK(locker->code == "A1");
    const auto [no_failure, none] = filtered.first();
    CHECK_FALSE(no_failure);
    CHECK(none == nullptr);
  }
  CHECK(plain.count() == 1);
  CHECK(filtered.count() == 1);
}

TEST_CASE("locker.create sets the key, creates the row and caches it") {
  mall m;
  Shop bob = m.stored(m.bob);
  Locker l{};
  l.code = "C3";
  const std::shared_ptr<Locker> created = bob.locker.create(l);
  REQUIRE(created != nullptr);
  CHECK(created->id != 0);
  CHECK(created->shop.key() == bob.id);
  CHECK(bob.locker() == created);
  CHECK(bob.locker.loaded());
  const auto stored = m.lockers.find_by_id(created->id);
  REQUIRE(stored.has_value());
  CHECK(stored->shop.key() == bob.id);
}

TEST_CASE("a refused locker.create changes nothing") {
  mall m;
  Shop bob = m.stored(m.bob);
  REQUIRE(bob.locker.get().get() == nullptr);
  Locker duplicate{};
  duplicate.id = m.lockers.find().front().id;
  CHECK_THROWS_AS(bob.locker.create(duplicate), tether::constraint_error);
  CHECK(bob.locker.loaded());
  CHECK(bob.locker() == nullptr);
  CHECK(m.lockers.count() == 1);
}

TEST_CASE("the has_one cache is tied to the owner's id") {
  mall m;
  Shop s = m.stored(m.ann);
  REQUIRE(s.locker.get().get() != nullptr);
  s.id = m.bob.id;
  CHECK_FALSE(s.locker.loaded());
  CHECK(s.locker() == nullptr);
  CHECK(s.locker.get().get() == nullptr);
  CHECK(s.locker.loaded());
}

}  // namespace semantic_reflection
