// One-to-one (docs/reflections.md): a has_one makes the belongs_to it reflects one-to-one on every connector. The
// key gets a unique index, made by automigrate and added by autoupdate; a second row for the same target, by any
// path, is a constraint_error naming both models and the key, and changes nothing; null keys never collide; a
// has_many makes nothing unique.

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

#include "semantic.hpp"

namespace semantic_one_to_one {

namespace {

struct Passport;
struct Person {
  BOOST_HANA_DEFINE_STRUCT(Person,
      (std::int64_t, id),
      (std::string, name),
      (tether::has_one<Passport>, passport));
};
struct Passport {
  BOOST_HANA_DEFINE_STRUCT(Passport,
      (std::int64_t, id),
      (std::string, number),
      (tether::belongs_to<Person>, holder));
};

// A has_many: any number of members per club.
struct Member;
struct Club {
  BOOST_HANA_DEFINE_STRUCT(Club,
      (std::int64_t, id),
      (std::string, name),
      (tether::has_many<Member>, members));
};
struct Member {
  BOOST_HANA_DEFINE_STRUCT(Member,
      (std::int64_t, id),
      (std::string, name),
      (tether::belongs_to<Club>, club));
};

// A loose (no_constraint) key reflected by a has_one: its key need match no desk, but no two lamps share one.
struct Lamp;
struct Desk {
  BOOST_HANA_DEFINE_STRUCT(Desk,
      (std::int64_t, id),
      (tether::has_one<Lamp>, lamp));
};
struct Lamp {
  BOOST_HANA_DEFINE_STRUCT(Lamp,
      (std::int64_t, id),
      (tether::belongs_to<Desk, tether::no_constraint>, desk));
};

// Person and Passport as an earlier version of the program declared them, before Person had its has_one.
struct PersonBefore {
  static constexpr std::string_view model_name = "Person";
  BOOST_HANA_DEFINE_STRUCT(PersonBefore,
      (std::int64_t, id),
      (std::string, name));
};
struct PassportBefore {
  static constexpr std::string_view model_name = "Passport";
  BOOST_HANA_DEFINE_STRUCT(PassportBefore,
      (std::int64_t, id),
      (std::string, number),
      (tether::belongs_to<PersonBefore>, holder));
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

template <class M>
M created(tether::repository<M> repo, M row) {
  repo.create(row);
  return row;
}

Person person(std::string name) {
  Person p{};
  p.name = std::move(name);
  return p;
}

template <class P = Passport>
P passport(std::string number, std::optional<std::int64_t> holder) {
  P p{};
  p.number = std::move(number);
  p.holder = holder;
  return p;
}

std::vector<std::string> numbers_of(tether::repository<Passport> passports) {
  std::vector<std::string> numbers;
  for (const auto& p : passports.find()) numbers.push_back(p.number);
  return numbers;
}

using numbers = std::vector<std::string>;

/// One store that connectors are opened on again and again, for a program's later version to migrate what an
/// earlier one made: the SQLite file or PostgreSQL schema of a fresh connector, or, for the memory connector, a
/// file of its own (without one it keeps nothing between datasources).
class reopenable_store {
public:
  reopenable_store() { locate(tether_test::make_connector()); }
  reopenable_store(const reopenable_store&) = delete;
  reopenable_store& operator=(const reopenable_store&) = delete;
  ~reopenable_store() {
    std::error_code ignored;
    if (!file_.empty()) std::filesystem::remove(file_, ignored);
  }

  [[nodiscard]] tether_test::connector open() const { return tether_test::connector{where_}; }

private:
  // A template, so that each connector's build compiles only its own branch.
  template <class C>
  void locate(const C& first) {
    if constexpr (requires { first.file(); }) {
      where_ = first.file();
    } else if constexpr (requires { first.conninfo(); }) {
      where_ = first.conninfo();
    } else {
      static std::atomic<int> count{0};
      file_ = std::filesystem::temp_directory_path() /
              ("tether-one-to-one-" + std::to_string(::getpid()) + "-" + std::to_string(++count) + ".json");
      where_ = file_.string();
    }
  }

  std::string where_;
  std::filesystem::path file_;
};

/// A store where the earlier version of the program left Person 1 and 2 and a passport for each of `holders`.
void make_before(const reopenable_store& store, const std::vector<std::optional<std::int64_t>>& holders) {
  tether_test::datasource before{store.open()};
  before.automigrate<PersonBefore, PassportBefore>();
  (void)created(before.repository<PersonBefore>(), PersonBefore{0, "Alice"});
  (void)created(before.repository<PersonBefore>(), PersonBefore{0, "Bob"});
  auto passports = before.repository<PassportBefore>();
  int n = 0;
  for (const auto& holder : holders)
    (void)created(passports, passport<PassportBefore>("P" + std::to_string(++n), holder));
}

}  // namespace

// --- a second row for the same target --------------------------------------------------------------------------

TEST_CASE("one-to-one: a second row for the same target is refused, naming both models, the relation and the key") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Person, Passport>();
  const auto alice = created(db.repository<Person>(), person("Alice"));
  auto passports = db.repository<Passport>();
  const auto first = created(passports, passport("P1", alice.id));
  Passport second = passport("P2", alice.id);

  const auto message = message_of<tether::constraint_error>([&] { passports.create(second); });

  CHECK_THAT(message, Catch::StartsWith("tether: Passport.holderId 1 is taken: Person.passport is one-to-one, and "
                                        "Person id 1 has Passport id " + std::to_string(first.id) + " already"));
  CHECK(second.id == 0);
  CHECK(numbers_of(passports) == numbers{"P1"});
}

TEST_CASE("one-to-one: rows for different targets are accepted") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Person, Passport>();
  const auto alice = created(db.repository<Person>(), person("Alice"));
  const auto bob = created(db.repository<Person>(), person("Bob"));
  auto passports = db.repository<Passport>();

  (void)created(passports, passport("P1", alice.id));
  (void)created(passports, passport("P2", bob.id));

  CHECK(numbers_of(passports) == numbers{"P1", "P2"});
}

TEST_CASE("one-to-one: a bulk create that repeats a key stores none of its rows") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Person, Passport>();
  const auto alice = created(db.repository<Person>(), person("Alice"));
  const auto bob = created(db.repository<Person>(), person("Bob"));
  auto passports = db.repository<Passport>();
  std::vector<Passport> batch{passport("P1", alice.id), passport("P2", bob.id), passport("P3", alice.id)};

  const auto message = message_of<tether::constraint_error>([&] { passports.create(batch); });

  CHECK_THAT(message, Catch::Contains("Passport.holderId 1") && Catch::Contains("Person.passport is one-to-one"));
  CHECK(passports.count() == 0u);
  CHECK(batch[0].id == 0);
  CHECK(batch[1].id == 0);
}

TEST_CASE("one-to-one: a bulk create whose key a stored row holds stores none of its rows") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Person, Passport>();
  const auto alice = created(db.repository<Person>(), person("Alice"));
  const auto bob = created(db.repository<Person>(), person("Bob"));
  auto passports = db.repository<Passport>();
  const auto held = created(passports, passport("P1", bob.id));
  std::vector<Passport> batch{passport("P2", alice.id), passport("P3", bob.id)};

  const auto message = message_of<tether::constraint_error>([&] { passports.create(batch); });

  CHECK_THAT(message, Catch::Contains("Person id 2 has Passport id " + std::to_string(held.id) + " already"));
  CHECK(numbers_of(passports) == numbers{"P1"});
}

TEST_CASE("one-to-one: an update that moves a row to a taken key is refused and changes nothing") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Person, Passport>();
  const auto alice = created(db.repository<Person>(), person("Alice"));
  const auto bob = created(db.repository<Person>(), person("Bob"));
  auto passports = db.repository<Passport>();
  const auto alices = created(passports, passport("P1", alice.id));
  auto bobs = created(passports, passport("P2", bob.id));

  bobs.holder = alice.id;
  bobs.number = "P2b";
  const auto message = message_of<tether::constraint_error>([&] { passports.update(bobs); });

  CHECK_THAT(message, Catch::Contains("Passport.holderId 1 is taken") &&
                          Catch::Contains("Person id 1 has Passport id " + std::to_string(alices.id) + " already"));
  const auto stored = passports.find_by_id(bobs.id);
  REQUIRE(stored);
  CHECK(stored->holder.key() == bob.id);
  CHECK(stored->number == "P2");
}

TEST_CASE("one-to-one: setting a row's key to a free target, or keeping its own, is accepted") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Person, Passport>();
  const auto alice = created(db.repository<Person>(), person("Alice"));
  const auto bob = created(db.repository<Person>(), person("Bob"));
  auto passports = db.repository<Passport>();
  auto p = created(passports, passport("P1", alice.id));

  p.number = "P1b";
  passports.update(p);  // the row keeps its own key: no collision with itself
  p.holder = bob.id;
  passports.update(p);
  Passport alices = passport("P2", alice.id);
  passports.create(alices);  // Alice's key is free again

  CHECK(passports.find_by_id(p.id)->holder.key() == bob.id);
  CHECK(passports.count() == 2u);
}

TEST_CASE("one-to-one: a row whose key is set to a taken target through its belongs_to is refused on update") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Person, Passport>();
  const auto alice = created(db.repository<Person>(), person("Alice"));
  auto passports = db.repository<Passport>();
  (void)created(passports, passport("P1", alice.id));
  auto loose = created(passports, passport("P2", std::nullopt));

  loose.holder(alice);  // links the relation to Alice: sets the key
  REQUIRE(loose.holder.key() == alice.id);

  CHECK_THROWS_AS(passports.update(loose), tether::constraint_error);
  CHECK_FALSE(passports.find_by_id(loose.id)->holder.key().has_value());
}

// --- what is not one-to-one -------------------------------------------------------------------------------------

TEST_CASE("one-to-one: null keys never collide") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Person, Passport>();
  auto passports = db.repository<Passport>();
  std::vector<Passport> batch{passport("P1", std::nullopt), passport("P2", std::nullopt)};

  passports.create(batch);
  (void)created(passports, passport("P3", std::nullopt));
  auto p = created(passports, passport("P4", std::nullopt));
  p.number = "P4b";
  passports.update(p);

  CHECK(passports.count() == 4u);
}

TEST_CASE("one-to-one: a has_many makes nothing unique") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Club, Member>();
  Club chess{};
  chess.name = "Chess";
  db.repository<Club>().create(chess);
  auto members = db.repository<Member>();
  std::vector<Member> batch(3);
  for (auto& m : batch) m.club = chess.id;

  members.create(batch);
  Member another{};
  another.club = chess.id;
  members.create(another);

  CHECK(members.count() == 4u);
}

TEST_CASE("one-to-one: a no_constraint belongs_to reflected by a has_one is still one-to-one") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Desk, Lamp>();
  auto lamps = db.repository<Lamp>();
  Lamp first{};
  first.desk = 42;  // no desk 42: no_constraint checks no key
  lamps.create(first);
  Lamp second{};
  second.desk = 42;

  const auto message = message_of<tether::constraint_error>([&] { lamps.create(second); });

  CHECK_THAT(message, Catch::StartsWith("tether: Lamp.deskId 42 is taken: Desk.lamp is one-to-one, and Desk id 42 "
                                        "has Lamp id " + std::to_string(first.id) + " already"));
  CHECK(lamps.count() == 1u);
}

// --- migrations -------------------------------------------------------------------------------------------------

TEST_CASE("one-to-one: autoupdate makes the key of a table made before the has_one unique") {
  reopenable_store store;
  make_before(store, {1, 2, std::nullopt, std::nullopt});

  tether_test::datasource db{store.open()};
  db.autoupdate<Person, Passport>();
  auto passports = db.repository<Passport>();
  CHECK(passports.count() == 4u);
  Passport second = passport("P5", 1);

  const auto message = message_of<tether::constraint_error>([&] { passports.create(second); });

  CHECK_THAT(message, Catch::Contains("Passport.holderId 1 is taken") && Catch::Contains("Person.passport"));
  (void)created(passports, passport("P6", std::nullopt));
  db.autoupdate<Person, Passport>();  // a second time changes nothing
  CHECK(passports.count() == 5u);
}

TEST_CASE("one-to-one: autoupdate refuses a table whose rows share a key, naming it, and changes nothing") {
  reopenable_store store;
  make_before(store, {1, 2, 1});

  {
    tether_test::datasource db{store.open()};
    const auto message = message_of<tether::constraint_error>([&] { db.autoupdate<Person, Passport>(); });
    CHECK(message ==
          "tether: cannot migrate Passport: Person.passport is one-to-one, but several Passport rows have holderId 1; "
          "relink or remove all but one of them first");
  }

  tether_test::datasource before{store.open()};
  before.autoupdate<PersonBefore, PassportBefore>();
  auto passports = before.repository<PassportBefore>();
  CHECK(passports.count() == 3u);
  PassportBefore another = passport<PassportBefore>("P4", 1);
  passports.create(another);  // still no unique index
  CHECK(passports.count() == 4u);
}

}  // namespace semantic_one_to_one
