// include of has_many and has_one, and include in both directions: one batched query per relation per level,
// every owner loaded (an empty vector or null when it has none), a has_many scope's order, limit and skip applied
// per owner in that same one query.

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "semantic.hpp"

namespace semantic_include_reflections {

struct Book;
struct Profile;

struct Author {
  BOOST_HANA_DEFINE_STRUCT(Author,
      (std::int64_t, id),
      (std::string, name),
      (tether::has_many<Book>, books),
      (tether::has_one<Profile>, profile));
};

struct Chapter;

struct Book {
  BOOST_HANA_DEFINE_STRUCT(Book,
      (std::int64_t, id),
      (std::string, title),
      (int, rating),
      (tether::belongs_to<Author>, author),
      (tether::has_many<Chapter>, chapters));
};

struct Chapter {
  BOOST_HANA_DEFINE_STRUCT(Chapter, (std::int64_t, id), (int, number), (tether::belongs_to<Book>, book));
};

struct Profile {
  BOOST_HANA_DEFINE_STRUCT(Profile, (std::int64_t, id), (std::string, bio), (tether::belongs_to<Author>, author));
};

// Owners keyed by an optional string: an owner without a handle has no posts, and costs no query.
struct Post;

struct Reader {
  BOOST_HANA_DEFINE_STRUCT(Reader,
      (std::int64_t, id),
      (std::optional<std::string>, handle),
      (tether::has_many<Post>, posts));
};

struct Post {
  BOOST_HANA_DEFINE_STRUCT(Post,
      (std::int64_t, id),
      (std::string, text),
      (tether::belongs_to<Reader, tether::primary_key<"handle">>, reader));
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

/// Ann (books 1, 2, 3, ratings 5, 3, 5; a profile), Bob (nothing), Cy (books 4, 5, ratings 4, 4); book 1 has
/// chapters 1 and 2, book 4 chapter 3.
template <class Db>
void seed(Db& db) {
  db.template automigrate<Author, Book, Chapter, Profile>();
  auto authors = db.template repository<Author>();
  auto books = db.template repository<Book>();
  for (const char* name : {"Ann", "Bob", "Cy"}) {
    Author a{};
    a.name = name;
    authors.create(a);
  }
  const std::vector<std::pair<int, std::int64_t>> rating_and_author{{5, 1}, {3, 1}, {5, 1}, {4, 3}, {4, 3}};
  int n = 0;
  for (const auto& [rating, author] : rating_and_author) {
    Book b{};
    b.title = "B" + std::to_string(++n);
    b.rating = rating;
    b.author = author;
    books.create(b);
  }
  for (const auto& [number, book] : std::vector<std::pair<int, std::int64_t>>{{1, 1}, {2, 1}, {1, 4}}) {
    Chapter c{};
    c.number = number;
    c.book = book;
    db.template repository<Chapter>().create(c);
  }
  Profile p{};
  p.bio = "Ann's";
  p.author = 1;
  db.template repository<Profile>().create(p);
}

template <class Rows>
std::vector<std::int64_t> ids_of(const Rows& rows) {
  std::vector<std::int64_t> ids;
  for (const auto& r : *rows) ids.push_back(r.id);
  return ids;
}


TEST_CASE("include of a has_many loads every owner's rows by id in one query, an empty vector for none") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  query_counter q;
  q.watch(db);
  const auto authors = db.repository<Author>().find(tether::filter{}.include("books"));
  CHECK(q.finds.size() == 2);
  CHECK(q.of("Book") == 1);
  REQUIRE(authors.size() == 3);
  for (const auto& a : authors) CHECK(a.books.loaded());
  CHECK(ids_of(authors[0].books()) == std::vector<std::int64_t>{1, 2, 3});
  REQUIRE(authors[1].books() != nullptr);
  CHECK(authors[1].books()->empty());
  CHECK(ids_of(authors[2].books()) == std::vector<std::int64_t>{4, 5});
  CHECK((*authors[2].books())[0].title == "B4");
  CHECK((*authors[2].books())[0].author.key() == 3);
  CHECK_FALSE((*authors[2].books())[0].author.loaded());  // the key only: not included
  CHECK_FALSE(authors[0].profile.loaded());                // not included either
}

TEST_CASE("include of a has_one loads each owner's row, null for an owner with none") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  query_counter q;
  q.watch(db);
  const auto authors = db.repository<Author>().find(tether::filter::parse(R"({"include": ["profile", "books"]})"));
  CHECK(q.finds.size() == 3);
  CHECK(q.of("Profile") == 1);
  REQUIRE(authors.size() == 3);
  REQUIRE(authors[0].profile() != nullptr);
  CHECK(authors[0].profile()->bio == "Ann's");
  for (std::size_t i : {1u, 2u}) {
    CHECK(authors[i].profile.loaded());
    CHECK(authors[i].profile() == nullptr);
  }
  CHECK(authors[0].books()->size() == 3);
}

TEST_CASE("a has_one scope's where leaves owners whose row does not match with null") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  const auto authors = db.repository<Author>().find(
      tether::filter::parse(R"({"include": {"relation": "profile", "scope": {"where": {"bio": "other"}}}})"));
  REQUIRE(authors.size() == 3);
  CHECK(authors[0].profile.loaded());
  CHECK(authors[0].profile() == nullptr);
}

TEST_CASE("nested has_many: authors, their books, the books' chapters, one query per level") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  query_counter q;
  q.watch(db);
  const auto authors = db.repository<Author>().find(tether::filter::parse(R"({"include": {"books": "chapters"}})"));
  CHECK(q.finds.size() == 3);
  CHECK(q.of("Chapter") == 1);
  const auto& anns = *authors[0].books();
  REQUIRE(anns.size() == 3);
  REQUIRE(anns[0].chapters.loaded());
  CHECK(ids_of(anns[0].chapters()) == std::vector<std::int64_t>{1, 2});
  CHECK(anns[1].chapters()->empty());
  CHECK(ids_of((*authors[2].books())[0].chapters()) == std::vector<std::int64_t>{3});
}

TEST_CASE("nested both ways: authors' books with their author, books' author with the author's books") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  query_counter q;
  q.watch(db);
  const auto authors = db.repository<Author>().find(tether::filter::parse(R"({"include": {"books": "author"}})"));
  CHECK(q.finds.size() == 3);
  const auto& cys = *authors[2].books();
  REQUIRE(cys.size() == 2);
  REQUIRE(cys[0].author() != nullptr);
  CHECK(cys[0].author()->name == "Cy");
  CHECK(cys[0].author() == cys[1].author());  // rows sharing a target share one object

  query_counter back;
  back.watch(db);
  const auto books = db.repository<Book>().find(tether::filter::parse(R"({"include": {"author": "books"}})"));
  CHECK(back.finds.size() == 3);
  CHECK(back.of("Book") == 2);
  CHECK(back.of("Author") == 1);
  REQUIRE(books.size() == 5);
  const auto ann = books[0].author();
  REQUIRE(ann != nullptr);
  REQUIRE(ann->books.loaded());
  CHECK(ids_of(ann->books()) == std::vector<std::int64_t>{1, 2, 3});
}

TEST_CASE("a has_many scope's order, limit and skip apply per owner, in one query, ties by id") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  query_counter q;
  q.watch(db);
  // Ann's by rating descending: 1 (5), 3 (5), 2 (3); Cy's: 4 (4), 5 (4).
  const auto authors = db.repository<Author>().find(tether::filter::parse(
      R"({"include": {"relation": "books", "scope": {"order": "rating DESC", "limit": 1, "skip": 1}}})"));
  CHECK(q.of("Book") == 1);
  REQUIRE(authors.size() == 3);
  CHECK(ids_of(authors[0].books()) == std::vector<std::int64_t>{3});
  CHECK(authors[1].books()->empty());
  CHECK(ids_of(authors[2].books()) == std::vector<std::int64_t>{5});

  const auto top_two = db.repository<Author>().find(tether::filter::parse(
      R"({"include": {"relation": "books", "scope": {"order": ["rating DESC", "title DESC"], "limit": 2}}})"));
  CHECK(ids_of(top_two[0].books()) == std::vector<std::int64_t>{3, 1});
  CHECK(ids_of(top_two[2].books()) == std::vector<std::int64_t>{5, 4});

  const auto skipped = db.repository<Author>().find(
      tether::filter::parse(R"({"include": {"relation": "books", "scope": {"skip": 2}}})"));
  CHECK(ids_of(skipped[0].books()) == std::vector<std::int64_t>{3});
  CHECK(skipped[2].books()->empty());
}

TEST_CASE("a has_many scope's where narrows before the per-owner limit") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  query_counter q;
  q.watch(db);
  const auto authors = db.repository<Author>().find(tether::filter::parse(
      R"({"include": {"relation": "books", "scope": {"where": {"rating": {"lt": 5}}, "limit": 1}}})"));
  CHECK(q.of("Book") == 1);
  CHECK(ids_of(authors[0].books()) == std::vector<std::int64_t>{2});
  CHECK(ids_of(authors[2].books()) == std::vector<std::int64_t>{4});
}

TEST_CASE("a per-owner limit with its nested include still costs one query per level") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  query_counter q;
  q.watch(db);
  const auto authors = db.repository<Author>().find(tether::filter::parse(
      R"({"include": {"relation": "books", "scope": {"limit": 1, "include": ["chapters", "author"]}}})"));
  CHECK(q.finds.size() == 4);
  const auto& first = (*authors[0].books())[0];
  CHECK(first.id == 1);
  CHECK(ids_of(first.chapters()) == std::vector<std::int64_t>{1, 2});
  CHECK(first.author()->name == "Ann");
}

TEST_CASE("has_many key lists are split only by the connector's parameter limit") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Author, Book, Chapter, Profile>();
  std::vector<Author> many(40);
  for (auto& a : many) a.name = "A";
  db.repository<Author>().create(many);
  std::vector<Book> books;
  for (const auto& a : many) {
    for (int r = 0; r < 3; ++r) {
      Book b{};
      b.rating = r;
      b.author = a.id;
      books.push_back(b);
    }
  }
  db.repository<Book>().create(books);
  query_counter q;
  q.watch(db);
  const auto authors = db.repository<Author>().find(
      tether::filter::parse(R"({"include": {"relation": "books", "scope": {"order": "rating DESC", "limit": 2}}})"));
  const std::size_t limit = db.connector().parameter_limit();
  CHECK(static_cast<std::size_t>(q.of("Book")) == 40 / limit + (40 % limit == 0 ? 0 : 1));
  REQUIRE(authors.size() == 40);
  for (const auto& a : authors) {
    REQUIRE(a.books()->size() == 2);
    CHECK((*a.books())[0].rating == 2);
    CHECK((*a.books())[1].rating == 1);
    CHECK((*a.books())[0].author.key() == a.id);
  }
}

TEST_CASE("the keys linking needs are read even when a scope's or the owners' fields leave them out") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  const auto authors = db.repository<Author>().find(tether::filter::parse(
      R"({"include": [{"relation": "books", "scope": {"fields": ["title"]}},
                      {"relation": "profile", "scope": {"fields": {"authorId": false}}}]})"));
  REQUIRE(authors[0].books()->size() == 3);
  CHECK((*authors[0].books())[0].title == "B1");
  CHECK((*authors[0].books())[0].rating == 0);  // left out
  CHECK((*authors[0].books())[0].author.key() == 1);
  REQUIRE(authors[0].profile() != nullptr);
  CHECK(authors[0].profile()->bio == "Ann's");

  db.automigrate<Reader, Post>();
  Reader r{};
  r.handle = "ann";
  db.repository<Reader>().create(r);
  Post p{};
  p.text = "hi";
  p.reader = "ann";
  db.repository<Post>().create(p);
  const auto readers = db.repository<Reader>().find(tether::filter::parse(R"({"fields": ["id"], "include": "posts"})"));
  REQUIRE(readers.size() == 1);
  CHECK(readers[0].handle == "ann");
  REQUIRE(readers[0].posts.loaded());
  CHECK(readers[0].posts()->size() == 1);
}

TEST_CASE("owners without a key have no related rows: an empty vector, and no query when none has one") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Reader, Post>();
  auto readers = db.repository<Reader>();
  Reader nameless{};
  readers.create(nameless);
  query_counter q;
  q.watch(db);
  auto found = readers.find(tether::filter{}.include("posts"));
  CHECK(q.of("Post") == 0);
  REQUIRE(found.size() == 1);
  REQUIRE(found[0].posts.loaded());
  CHECK(found[0].posts()->empty());

  Reader named{};
  named.handle = "bo";
  readers.create(named);
  Post p{};
  p.reader = "bo";
  db.repository<Post>().create(p);
  found = readers.find(tether::filter{}.include("posts"));
  CHECK(found[0].posts()->empty());
  CHECK(found[1].posts()->size() == 1);
}

TEST_CASE("a belongsTo or has_one scope with limit, skip or order is a validation_error") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  for (const char* json : {R"({"include": {"relation": "author", "scope": {"limit": 1}}})",
                           R"({"include": {"books": {"relation": "author", "scope": {"skip": 1}}}})"}) {
    INFO(json);
    CHECK_THROWS_AS(db.repository<Book>().find(tether::filter::parse(json)), tether::validation_error);
  }
  for (const char* json : {R"({"include": {"relation": "profile", "scope": {"limit": 1}}})",
                           R"({"include": {"relation": "profile", "scope": {"order": "bio"}}})"}) {
    INFO(json);
    CHECK_THROWS_WITH(db.repository<Author>().find(tether::filter::parse(json)),
                      Catch::Contains("hasOne relation \"profile\""));
  }
}

TEST_CASE("a reflection is no property: where, order and fields refuse its name") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  auto authors = db.repository<Author>();
  for (const char* json : {R"({"where": {"books": 1}})", R"({"order": "books"})", R"({"fields": ["books"]})"}) {
    INFO(json);
    CHECK_THROWS_WITH(authors.find(tether::filter::parse(json)),
                      Catch::Contains("Author has no property \"books\"") && Catch::Contains("relation"));
  }
}

TEST_CASE("an unknown relation keeps LoopBack's wording through a reflection") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK_THROWS_WITH(db.repository<Author>().find(tether::filter::parse(R"({"include": "book"})")),
                    "Relation \"book\" is not defined for Author model");
  CHECK_THROWS_WITH(db.repository<Author>().find(tether::filter::parse(R"({"include": {"books": "chapter"}})")),
                    "Relation \"chapter\" is not defined for Book model");
}

}  // namespace semantic_include_reflections
