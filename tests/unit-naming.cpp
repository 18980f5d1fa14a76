#include <catch2/catch.hpp>

#include <tether/naming.hpp>

namespace unit_naming {

namespace shop {
struct OrderItem {
  BOOST_HANA_DEFINE_STRUCT(OrderItem, (std::int64_t, id), (std::string, name));
};
}  // namespace shop

struct URLResource {
  BOOST_HANA_DEFINE_STRUCT(URLResource, (std::string, code));
  static constexpr std::string_view id_property = "code";
};

struct line_item {
  BOOST_HANA_DEFINE_STRUCT(line_item, (std::string, label));
};

struct Renamed {
  BOOST_HANA_DEFINE_STRUCT(Renamed, (std::int64_t, id));
  static constexpr std::string_view model_name = "Client";
};

template <class T>
struct Box {
  BOOST_HANA_DEFINE_STRUCT(Box, (std::int64_t, id), (T, content));
  static constexpr std::string_view model_name = "IntBox";
};

TEST_CASE("the model name is the unqualified type name, at compile time") {
  STATIC_REQUIRE(tether::model_name<shop::OrderItem> == "OrderItem");
  STATIC_REQUIRE(tether::model_name<URLResource> == "URLResource");
}

TEST_CASE("a model_name member overrides the type name, and class templates use it") {
  STATIC_REQUIRE(tether::model_name<Renamed> == "Client");
  STATIC_REQUIRE(tether::model_name<Box<int>> == "IntBox");
}

TEST_CASE("relation_name_for camelizes the model name as LoopBack does") {
  STATIC_REQUIRE(tether::relation_name_for<shop::OrderItem> == "orderItem");
  STATIC_REQUIRE(tether::relation_name_for<URLResource> == "uRLResource");
  STATIC_REQUIRE(tether::relation_name_for<line_item> == "lineItem");
  STATIC_REQUIRE(tether::relation_name_for<Renamed> == "client");
}

TEST_CASE("foreign_key_for is the relation name plus Id") {
  STATIC_REQUIRE(tether::foreign_key_for<shop::OrderItem> == "orderItemId");
  STATIC_REQUIRE(tether::foreign_key_for<line_item> == "lineItemId");
}

TEST_CASE("camelize follows inflection.camelize: later parts are lower-cased, then capitalised") {
  auto camel = [](std::string_view in) {
    std::string out(tether::detail::camelize(in), '\0');
    tether::detail::camelize(in, out.data());
    return out;
  };
  CHECK(camel("my_THING") == "myThing");
  CHECK(camel("Order") == "order");
  CHECK(camel("a__b") == "aB");
  CHECK(camel("URLResource") == "uRLResource");
  CHECK(camel("") == "");
}

}  // namespace unit_naming
