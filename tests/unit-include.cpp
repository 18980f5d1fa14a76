// include through a connector written outside the library that neither pages per partition nor binds many
// parameters: the datasource pages each owner's rows itself, the connector never sees a partition, and key lists
// are split by its parameter limit.

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <tether/memory.hpp>
#include <tether/tether.hpp>

namespace unit_include {

struct Novel;

struct Writer {
  BOOST_HANA_DEFINE_STRUCT(Writer, (std::int64_t, id), (std::string, name), (tether::has_many<Novel>, novels));
};

struct Novel {
  BOOST_HANA_DEFINE_STRUCT(Novel, (std::int64_t, id), (int, year), (tether::belongs_to<Writer>, writer));
};

/// What the connector below was asked to select.
struct seen_selects {
  int novel_selects = 0;
  bool partition = false;
  bool novels_paged = false;
};

/// Forwards to tether::memory; declares no `pages_per_partition`, and binds at most two values.
class unpaged_connector {
public:
  explicit unpaged_connector(seen_selects& seen) : seen_(&seen) {}

  [[nodiscard]] static constexpr std::size_t parameter_limit() noexcept { return 2; }
  void ensure_table(const tether::model_info& m, const tether::query_observer& log) { inner_.ensure_table(m, log); }
  void drop_table(const tether::model_info& m, const tether::query_observer& log) { inner_.drop_table(m, log); }
  void insert(const tether::model_info& m, tether::row_span rows, const tether::query_observer& log) {
    inner_.insert(m, rows, log);
  }
  void select(const tether::model_info& m, const tether::query& q, tether::row_sink& out,
              const tether::query_observer& log) {
    seen_->partition = seen_->partition || q.partition.has_value();
    if (m.name() == "Novel") {
      ++seen_->novel_selects;
      seen_->novels_paged = seen_->novels_paged || q.limit.has_value() || q.skip > 0;
    }
    inner_.select(m, q, out, log);
  }
  bool update(const tether::model_info& m, const void* row, const tether::query_observer& log) {
    return inner_.update(m, row, log);
  }
  bool remove(const tether::model_info& m, const tether::value& id, const tether::query_observer& log) {
    return inner_.remove(m, id, log);
  }
  std::size_t count(const tether::model_info& m, const tether::query& q, const tether::query_observer& log) {
    return inner_.count(m, q, log);
  }
  void begin(const tether::query_observer& log) { inner_.begin(log); }
  void commit(const tether::query_observer& log) { inner_.commit(log); }
  void rollback(const tether::query_observer& log) { inner_.rollback(log); }

private:
  seen_selects* seen_;
  tether::memory inner_;
};

static_assert(tether::connector<unpaged_connector>);
static_assert(!tether::partition_paging_connector<unpaged_connector>);

/// Writer n (1 to 5) has n - 1 novels, their years repeating so that ties must be broken by id.
template <class Db>
void seed(Db& db) {
  db.template automigrate<Writer, Novel>();
  for (int n = 1; n <= 5; ++n) {
    Writer w{};
    w.name = "W" + std::to_string(n);
    db.template repository<Writer>().create(w);
    for (int k = 1; k < n; ++k) {
      Novel book{};
      book.year = 2000 + k % 2;
      book.writer = w.id;
      db.template repository<Novel>().create(book);
    }
  }
}

std::vector<std::vector<std::int64_t>> novels_of(const std::vector<Writer>& writers) {
  std::vector<std::vector<std::int64_t>> ids;
  for (const auto& w : writers) {
    ids.emplace_back();
    REQUIRE(w.novels.loaded());
    for (const auto& n : *w.novels()) ids.back().push_back(n.id);
  }
  return ids;
}

TEST_CASE("a connector that does not page per partition gets no partition, and the datasource pages each owner") {
  const auto scope = tether::filter::parse(
      R"({"include": {"relation": "novels", "scope": {"order": "year DESC", "limit": 2, "skip": 1}}})");

  tether::datasource reference{tether::memory{}};
  seed(reference);
  const auto expected = novels_of(reference.repository<Writer>().find(scope));
  // Writer 4's novels: 4 (2001), 5 (2000), 6 (2001): by year descending 4, 6, 5; past the first, two.
  REQUIRE(expected[3] == std::vector<std::int64_t>{6, 5});

  seen_selects seen;
  tether::datasource db{unpaged_connector{seen}};
  seed(db);
  seen = {};
  CHECK(novels_of(db.repository<Writer>().find(scope)) == expected);
  CHECK_FALSE(seen.partition);
  CHECK_FALSE(seen.novels_paged);
  CHECK(seen.novel_selects == 3);  // five owners' keys, two a query
}

TEST_CASE("a has_many include without paging is one plain query a batch on any connector") {
  seen_selects seen;
  tether::datasource db{unpaged_connector{seen}};
  seed(db);
  seen = {};
  const auto writers = db.repository<Writer>().find(tether::filter{}.include("novels"));
  CHECK_FALSE(seen.partition);
  CHECK(seen.novel_selects == 3);
  const auto ids = novels_of(writers);
  CHECK(ids[0].empty());
  CHECK(ids[2] == std::vector<std::int64_t>{2, 3});
}

}  // namespace unit_include
