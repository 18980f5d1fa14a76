// LoopBack model definitions (docs/json.md): model_definition<M>() writes the definition from which LoopBack
// builds the same model; verify_definition<M>(file) lists, one sentence each, where a definition file and the
// compiled model disagree, and never crashes on a malformed file.

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tether/tether.hpp>

#include "support/models.hpp"

namespace unit_definition {

namespace {

using tether_test::Customer;

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order,
      (std::int64_t, id),
      (double, amount),
      (tether::belongs_to<Customer>, customer));
};

struct Pet {
  BOOST_HANA_DEFINE_STRUCT(Pet,
      (std::int64_t, id),
      (std::string, name),
      (tether::belongs_to<Customer, tether::foreign_key<"ownerId">>, owner));
};

struct Shipment {
  BOOST_HANA_DEFINE_STRUCT(Shipment,
      (std::int64_t, id),
      (tether::belongs_to<Customer, tether::foreign_key<"clientRef">>, customer));
};

struct Account {
  BOOST_HANA_DEFINE_STRUCT(Account,
      (std::int64_t, id),
      (std::string, email));
};

struct Login {
  BOOST_HANA_DEFINE_STRUCT(Login,
      (std::int64_t, id),
      (tether::belongs_to<Account, tether::primary_key<"email">>, account));
};

// No id: stored as tether::with_id<Tag>.
struct Tag {
  BOOST_HANA_DEFINE_STRUCT(Tag,
      (std::string, label));
};

struct Note {
  BOOST_HANA_DEFINE_STRUCT(Note,
      (std::int64_t, id),
      (std::string, text),
      (tether::belongs_to<Tag>, tag));
};

struct Product {
  static constexpr std::string_view id_property = "code";
  BOOST_HANA_DEFINE_STRUCT(Product,
      (std::string, code),
      (std::string, title));
};

struct Draft {
  BOOST_HANA_DEFINE_STRUCT(Draft,
      (std::optional<std::int64_t>, id),
      (std::string, title));
};

struct Sample {
  BOOST_HANA_DEFINE_STRUCT(Sample,
      (std::int64_t, id),
      (std::int16_t, shelf),
      (std::uint32_t, quantity),
      (float, ratio),
      (double, price),
      (bool, active),
      (std::string, title),
      (tether::time_point, taken),
      (nlohmann::json, details),
      (std::optional<int>, rank),
      (std::optional<double>, weight),
      (std::optional<bool>, checked),
      (std::optional<std::string>, comment),
      (std::optional<tether::time_point>, archived),
      (std::optional<nlohmann::json>, extra));
};

// The reflections: Purchase's key is LoopBack's hasMany default (clientId); Gift's and Residence's are not.
struct Purchase;
struct Gift;
struct Residence;
struct Client {
  BOOST_HANA_DEFINE_STRUCT(Client,
      (std::int64_t, id),
      (std::string, name),
      (tether::has_many<Purchase>, purchases),
      (tether::has_many<Gift>, gifts),
      (tether::has_one<Residence>, residence));
};
struct Purchase {
  BOOST_HANA_DEFINE_STRUCT(Purchase, (std::int64_t, id), (tether::belongs_to<Client>, client));
};
struct Gift {
  BOOST_HANA_DEFINE_STRUCT(Gift, (std::int64_t, id), (tether::belongs_to<Client>, recipient));
};
struct Residence {
  BOOST_HANA_DEFINE_STRUCT(Residence,
      (std::int64_t, id),
      (tether::belongs_to<Client, tether::foreign_key<"ownerRef">>, owner));
};

// A reflection of a belongs_to that references another property than the id.
struct Badge;
struct Member {
  BOOST_HANA_DEFINE_STRUCT(Member, (std::int64_t, id), (std::string, email), (tether::has_many<Badge>, badges));
};
struct Badge {
  BOOST_HANA_DEFINE_STRUCT(Badge, (std::int64_t, id), (tether::belongs_to<Member, tether::primary_key<"email">>, member));
};

using disagreements = std::vector<std::string>;

/// The definition LoopBack's documentation shows for Order, as its authors write it: comments, shorthand and
/// capitalised types, and an empty foreignKey that stands for the default.
constexpr std::string_view handwritten_order = R"({
  "name": "Order",  // the model's name, as LoopBack registers it
  "base": "PersistedModel",
  "idInjection": false,
  /* properties LoopBack should not add itself */
  "properties": {
    "id": {"type": "Number", "id": true, "generated": true},
    "amount": "number"
  },
  "relations": {
    "customer": {
      "type": "belongsTo",
      "model": "Customer",
      "foreignKey": ""
    }
  }
})";

nlohmann::json order_file() { return tether::model_definition<Order>(); }

template <class M>
disagreements verify(const nlohmann::json& file) {
  return tether::verify_definition<M>(file);
}

template <class M>
std::string refusal(std::string_view text) {
  try {
    (void)tether::verify_definition<M>(text);
  } catch (const tether::validation_error& e) {
    return e.what();
  }
  FAIL("verify_definition did not throw tether::validation_error");
  return {};
}

}  // namespace

// --- model_definition ------------------------------------------------------------------------------------------

TEST_CASE("definition: a customer's definition names it, its generated id and its required and optional properties") {
  CHECK(tether::model_definition<Customer>() == nlohmann::json::parse(R"({
    "name": "Customer",
    "base": "PersistedModel",
    "idInjection": false,
    "properties": {
      "id": {"type": "number", "id": true, "generated": true},
      "name": {"type": "string", "required": true},
      "email": {"type": "string"}
    },
    "relations": {}
  })"));
}

TEST_CASE("definition: an order's definition has its foreign key property and its belongsTo relation") {
  CHECK(tether::model_definition<Order>() == nlohmann::json::parse(R"({
    "name": "Order",
    "base": "PersistedModel",
    "idInjection": false,
    "properties": {
      "id": {"type": "number", "id": true, "generated": true},
      "amount": {"type": "number", "required": true},
      "customerId": {"type": "number"}
    },
    "relations": {
      "customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId", "primaryKey": "id"}
    }
  })"));
}

TEST_CASE("definition: foreign_key<\"ownerId\"> is the stored property and the relation's foreignKey") {
  const auto definition = tether::model_definition<Pet>();

  CHECK(definition["properties"]["ownerId"] == nlohmann::json{{"type", "number"}});
  CHECK_FALSE(definition["properties"].contains("owner"));
  CHECK(definition["relations"] == nlohmann::json::parse(R"({
    "owner": {"type": "belongsTo", "model": "Customer", "foreignKey": "ownerId", "primaryKey": "id"}
  })"));
}

TEST_CASE("definition: primary_key<\"email\"> is the relation's primaryKey and gives the key the email's type") {
  const auto definition = tether::model_definition<Login>();

  CHECK(definition["properties"]["accountId"] == nlohmann::json{{"type", "string"}});
  CHECK(definition["relations"]["account"] == nlohmann::json::parse(R"(
    {"type": "belongsTo", "model": "Account", "foreignKey": "accountId", "primaryKey": "email"}
  )"));
}

TEST_CASE("definition: a model without id leaves the id to LoopBack's idInjection, as with_id<M> does") {
  const auto expected = nlohmann::json::parse(R"({
    "name": "Tag",
    "base": "PersistedModel",
    "idInjection": true,
    "properties": {"label": {"type": "string", "required": true}},
    "relations": {}
  })");

  CHECK(tether::model_definition<Tag>() == expected);
  CHECK(tether::model_definition<tether::with_id<Tag>>() == expected);
}

TEST_CASE("definition: a relation to a model without id references the id LoopBack injects") {
  CHECK(tether::model_definition<Note>()["properties"]["tagId"] == nlohmann::json{{"type", "number"}});
  CHECK(tether::model_definition<Note>()["relations"]["tag"] == nlohmann::json::parse(R"(
    {"type": "belongsTo", "model": "Tag", "foreignKey": "tagId", "primaryKey": "id"}
  )"));
}

TEST_CASE("definition: a string id named by id_property is the id, required and not generated") {
  CHECK(tether::model_definition<Product>()["properties"] == nlohmann::json::parse(R"({
    "code": {"type": "string", "id": true, "required": true},
    "title": {"type": "string", "required": true}
  })"));
}

TEST_CASE("definition: an optional integer id is generated and not required") {
  CHECK(tether::model_definition<Draft>()["properties"]["id"] ==
        nlohmann::json::parse(R"({"type": "number", "id": true, "generated": true})"));
}

TEST_CASE("definition: every property type has its LoopBack type, and only non-optional ones are required") {
  CHECK(tether::model_definition<Sample>()["properties"] == nlohmann::json::parse(R"({
    "id": {"type": "number", "id": true, "generated": true},
    "shelf": {"type": "number", "required": true},
    "quantity": {"type": "number", "required": true},
    "ratio": {"type": "number", "required": true},
    "price": {"type": "number", "required": true},
    "active": {"type": "boolean", "required": true},
    "title": {"type": "string", "required": true},
    "taken": {"type": "date", "required": true},
    "details": {"type": "object", "required": true},
    "rank": {"type": "number"},
    "weight": {"type": "number"},
    "checked": {"type": "boolean"},
    "comment": {"type": "string"},
    "archived": {"type": "date"},
    "extra": {"type": "object"}
  })"));
}

// --- verify_definition: agreement ------------------------------------------------------------------------------

TEST_CASE("verify: every model agrees with its own definition") {
  CHECK(verify<Customer>(tether::model_definition<Customer>()).empty());
  CHECK(verify<Order>(tether::model_definition<Order>()).empty());
  CHECK(verify<Pet>(tether::model_definition<Pet>()).empty());
  CHECK(verify<Shipment>(tether::model_definition<Shipment>()).empty());
  CHECK(verify<Login>(tether::model_definition<Login>()).empty());
  CHECK(verify<Tag>(tether::model_definition<Tag>()).empty());
  CHECK(verify<tether::with_id<Tag>>(tether::model_definition<Tag>()).empty());
  CHECK(verify<Note>(tether::model_definition<Note>()).empty());
  CHECK(verify<Product>(tether::model_definition<Product>()).empty());
  CHECK(verify<Draft>(tether::model_definition<Draft>()).empty());
  CHECK(verify<Sample>(tether::model_definition<Sample>()).empty());
  CHECK(verify<Client>(tether::model_definition<Client>()).empty());
  CHECK(verify<Gift>(tether::model_definition<Gift>()).empty());
  CHECK(verify<Member>(tether::model_definition<Member>()).empty());
}

TEST_CASE("verify: a model agrees with its definition written out as text and read back") {
  const std::string text = tether::model_definition<Order>().dump(2);

  CHECK(tether::verify_definition<Order>(text).empty());
  CHECK(tether::verify_definition<Order>(std::string_view{text}).empty());
  CHECK(tether::verify_definition<Order>(text.c_str()).empty());
}

TEST_CASE("verify: a hand-written LoopBack file with comments, shorthand types and an empty foreignKey agrees") {
  CHECK(tether::verify_definition<Order>(handwritten_order).empty());
}

TEST_CASE("verify: properties the file leaves out are no disagreement, since LoopBack adds ids and keys itself") {
  CHECK(verify<Order>({{"name", "Order"}, {"relations", {{"customer", {{"type", "belongsTo"}, {"model", "Customer"}}}}}})
            .empty());
}

TEST_CASE("verify: type names agree in any case, JavaScript's constructor names included") {
  const auto file = nlohmann::json::parse(R"({
    "name": "Sample",
    "properties": {
      "shelf": "Number", "active": {"type": "Boolean"}, "title": "STRING", "taken": "Date", "details": "Object"
    }
  })");

  CHECK(verify<Sample>(file).empty());
}

TEST_CASE("verify: a json property agrees with LoopBack's \"any\" as well as \"object\"") {
  CHECK(verify<Sample>({{"name", "Sample"}, {"properties", {{"details", "any"}, {"extra", {{"type", "Any"}}}}}})
            .empty());
}

TEST_CASE("verify: the relation's target model is compared case-insensitively, as LoopBack looks it up") {
  auto file = order_file();
  file["relations"]["customer"]["model"] = "customer";

  CHECK(verify<Order>(file).empty());
}

TEST_CASE("verify: a primaryKey left out agrees when the relation references the target's id") {
  auto file = order_file();
  file["relations"]["customer"].erase("primaryKey");

  CHECK(verify<Order>(file).empty());
}

TEST_CASE("verify: properties and relations set to null count as left out, as JavaScript treats them") {
  CHECK(verify<Customer>({{"name", "Customer"}, {"properties", nullptr}, {"relations", nullptr}}).empty());
}

// --- verify_definition: disagreements --------------------------------------------------------------------------

TEST_CASE("verify: another name is a disagreement naming both") {
  auto file = order_file();
  file["name"] = "Purchase";

  CHECK(verify<Order>(file) == disagreements{R"(Order.name: the file says "Purchase", the model says "Order")"});
}

TEST_CASE("verify: a file without a name disagrees, since LoopBack cannot register it") {
  auto file = order_file();
  file.erase("name");

  CHECK(verify<Order>(file) == disagreements{R"(Order.name: the file says nothing, the model says "Order")"});
}

TEST_CASE("verify: a name that is not a string disagrees") {
  auto file = order_file();
  file["name"] = 7;

  CHECK(verify<Order>(file) == disagreements{R"(Order.name: the file says 7, the model says "Order")"});
}

TEST_CASE("verify: a property type differing in the object form is a disagreement") {
  auto file = order_file();
  file["properties"]["amount"]["type"] = "string";

  CHECK(verify<Order>(file) ==
        disagreements{R"(Order.properties.amount.type: the file says "string", the model says "number")"});
}

TEST_CASE("verify: a property type differing in the shorthand form is a disagreement") {
  auto file = order_file();
  file["properties"]["customerId"] = "String";

  CHECK(verify<Order>(file) ==
        disagreements{R"(Order.properties.customerId.type: the file says "String", the model says "number")"});
}

TEST_CASE("verify: a property the compiled model lacks is a disagreement") {
  auto file = order_file();
  file["properties"]["total"] = {{"type", "number"}};

  CHECK(verify<Order>(file) == disagreements{
      R"(Order.properties.total: the file says "number", the model says nothing (it has no property "total"))"});
}

TEST_CASE("verify: a property the compiled model lacks is a disagreement whatever the file declares") {
  auto file = order_file();
  file["properties"]["total"] = {{"required", true}};

  CHECK(verify<Order>(file) == disagreements{
      R"(Order.properties.total: the file says an object, the model says nothing (it has no property "total"))"});
}

TEST_CASE("verify: a relation's member name declared as a property disagrees: its key is the property") {
  auto file = order_file();
  file["properties"]["customer"] = "object";

  CHECK(verify<Order>(file) == disagreements{
      R"(Order.properties.customer: the file says "object", the model says nothing (it has no property "customer"))"});
}

TEST_CASE("verify: malformed property types are disagreements") {
  auto file = order_file();
  file["properties"]["amount"] = 5;
  file["properties"]["customerId"] = nlohmann::json::array({"number"});
  file["properties"]["id"] = {{"id", true}};

  CHECK(verify<Order>(file) == disagreements{
      R"(Order.properties.amount.type: the file says 5, the model says "number")",
      R"(Order.properties.customerId.type: the file says an array, the model says "number")",
      R"(Order.properties.id.type: the file says nothing, the model says "number")",
  });
}

TEST_CASE("verify: a property type that is a nested model is a disagreement") {
  auto file = order_file();
  file["properties"]["amount"] = {{"type", {{"currency", "string"}}}};

  CHECK(verify<Order>(file) ==
        disagreements{R"(Order.properties.amount.type: the file says an object, the model says "number")"});
}

TEST_CASE("verify: properties that are not an object are a disagreement") {
  auto file = order_file();
  file["properties"] = "amount";

  CHECK(verify<Order>(file) ==
        disagreements{R"(Order.properties: the file says "amount", the model says an object of properties)"});
}

TEST_CASE("verify: another foreignKey is a disagreement naming both keys") {
  auto file = order_file();
  file["relations"]["customer"]["foreignKey"] = "custId";

  CHECK(verify<Order>(file) ==
        disagreements{R"(Order.relations.customer.foreignKey: the file says "custId", the model says "customerId")"});
}

TEST_CASE("verify: a foreignKey left out agrees when the named key is the relation name plus Id anyway") {
  auto file = tether::model_definition<Pet>();
  file["relations"]["owner"]["foreignKey"] = "";

  CHECK(verify<Pet>(file).empty());
}

TEST_CASE("verify: a foreignKey left out disagrees when the model's key is not the relation name plus Id") {
  auto file = tether::model_definition<Shipment>();
  file["relations"]["customer"].erase("foreignKey");

  CHECK(verify<Shipment>(file) == disagreements{
      R"(Shipment.relations.customer.foreignKey: the file says nothing, which LoopBack reads as "customerId", the model says "clientRef")"});
}

TEST_CASE("verify: a primaryKey left out disagrees when the relation references another property than the id") {
  auto file = tether::model_definition<Login>();
  file["relations"]["account"]["primaryKey"] = "";

  CHECK(verify<Login>(file) == disagreements{
      R"(Login.relations.account.primaryKey: the file says nothing, which LoopBack reads as "id", the model says "email")"});
}

TEST_CASE("verify: another primaryKey is a disagreement") {
  auto file = order_file();
  file["relations"]["customer"]["primaryKey"] = "email";

  CHECK(verify<Order>(file) ==
        disagreements{R"(Order.relations.customer.primaryKey: the file says "email", the model says "id")"});
}

TEST_CASE("verify: another target model is a disagreement") {
  auto file = order_file();
  file["relations"]["customer"]["model"] = "Client";

  CHECK(verify<Order>(file) ==
        disagreements{R"(Order.relations.customer.model: the file says "Client", the model says "Customer")"});
}

TEST_CASE("verify: a relation without a model disagrees, since LoopBack requires one for a belongsTo") {
  auto file = order_file();
  file["relations"]["customer"].erase("model");

  CHECK(verify<Order>(file) ==
        disagreements{R"(Order.relations.customer.model: the file says nothing, the model says "Customer")"});
}

TEST_CASE("verify: a relation of another type disagrees on the type alone") {
  auto file = order_file();
  file["relations"]["customer"]["type"] = "hasOne";
  file["relations"]["customer"]["foreignKey"] = "orderId";

  CHECK(verify<Order>(file) ==
        disagreements{R"(Order.relations.customer.type: the file says "hasOne", the model says "belongsTo")"});
}

TEST_CASE("verify: a relation without a type disagrees") {
  auto file = order_file();
  file["relations"]["customer"].erase("type");

  CHECK(verify<Order>(file) ==
        disagreements{R"(Order.relations.customer.type: the file says nothing, the model says "belongsTo")"});
}

TEST_CASE("verify: a relation the compiled model lacks is a disagreement") {
  auto file = order_file();
  file["relations"]["items"] = {{"type", "hasMany"}, {"model", "OrderItem"}};

  CHECK(verify<Order>(file) == disagreements{
      R"(Order.relations.items: the file says a "hasMany" relation to "OrderItem", the model says nothing (it has no relation "items"))"});
}

TEST_CASE("verify: a relation of the compiled model that the file lacks is a disagreement") {
  auto file = order_file();
  file["relations"].erase("customer");

  CHECK(verify<Order>(file) == disagreements{
      R"(Order.relations.customer: the file says nothing, the model says a belongsTo relation to Customer (foreignKey "customerId", primaryKey "id"))"});
}

TEST_CASE("verify: a file without relations lacks every relation of the compiled model") {
  auto file = order_file();
  file.erase("relations");

  CHECK(verify<Order>(file) == disagreements{
      R"(Order.relations.customer: the file says nothing, the model says a belongsTo relation to Customer (foreignKey "customerId", primaryKey "id"))"});
}

TEST_CASE("verify: relations that are not an object are one disagreement") {
  auto file = order_file();
  file["relations"] = nlohmann::json::array({"customer"});

  CHECK(verify<Order>(file) ==
        disagreements{R"(Order.relations: the file says an array, the model says an object of relations)"});
}

TEST_CASE("verify: a relation that is not an object is a disagreement") {
  auto file = order_file();
  file["relations"]["customer"] = true;

  CHECK(verify<Order>(file) == disagreements{
      R"(Order.relations.customer: the file says true, the model says a belongsTo relation to Customer (foreignKey "customerId", primaryKey "id"))"});
}

TEST_CASE("verify: keys and models that are not strings are disagreements") {
  auto file = order_file();
  file["relations"]["customer"]["model"] = nlohmann::json::object();
  file["relations"]["customer"]["foreignKey"] = 12;
  file["relations"]["customer"]["primaryKey"] = false;

  CHECK(verify<Order>(file) == disagreements{
      R"(Order.relations.customer.model: the file says an object, the model says "Customer")",
      R"(Order.relations.customer.foreignKey: the file says 12, the model says "customerId")",
      R"(Order.relations.customer.primaryKey: the file says false, the model says "id")",
  });
}

TEST_CASE("verify: every disagreement of a file is listed: name, then properties, then relations") {
  auto file = order_file();
  file["name"] = "Purchase";
  file["properties"]["amount"] = "boolean";
  file["relations"]["customer"]["foreignKey"] = "custId";

  CHECK(verify<Order>(file).size() == 3);
  CHECK(verify<Order>(file).front().starts_with("Order.name:"));
  CHECK(verify<Order>(file).back().starts_with("Order.relations.customer.foreignKey:"));
}

TEST_CASE("verify: a long or invalid UTF-8 value is shortened or replaced, never thrown on") {
  auto file = order_file();
  file["name"] = std::string(200, 'x');
  file["properties"]["amount"] = std::string("\xff\xfe", 2);

  const auto found = verify<Order>(file);

  REQUIRE(found.size() == 2);
  CHECK(found[0].size() < 150);
  CHECK(found[0].find("...") != std::string::npos);
  CHECK(found[1].find("\xef\xbf\xbd") != std::string::npos);  // U+FFFD, the replacement character
}

TEST_CASE("verify: a deeply nested value is named, not printed") {
  const std::string nested = std::string(100000, '[') + std::string(100000, ']');
  const std::string text = R"({"name": "Order", "relations": {"customer": {"type": "belongsTo", "model": "Customer"}},
                             "properties": {"amount": )" + nested + "}}";

  CHECK(tether::verify_definition<Order>(text) ==
        disagreements{R"(Order.properties.amount.type: the file says an array, the model says "number")"});
}

// --- verify_definition: refusals -------------------------------------------------------------------------------

TEST_CASE("verify: text that is not JSON is a validation_error naming the model") {
  const auto message = refusal<Order>(R"({"name": "Order",)");

  CHECK_THAT(message, Catch::StartsWith("tether: the LoopBack definition given for Order is not JSON: "));
}

TEST_CASE("verify: a definition that is not a JSON object is a validation_error naming the model") {
  CHECK(refusal<Order>("[1, 2]") == "tether: a LoopBack definition of Order must be a JSON object, got an array");
  CHECK_THROWS_AS(verify<Order>("Order"), tether::validation_error);
}

// --- the reflections: hasMany and hasOne -----------------------------------------------------------------------

TEST_CASE("definition: has_many and has_one are hasMany and hasOne relations with the key of the belongs_to") {
  CHECK(tether::model_definition<Client>() == nlohmann::json::parse(R"({
    "name": "Client",
    "base": "PersistedModel",
    "idInjection": false,
    "properties": {
      "id": {"type": "number", "id": true, "generated": true},
      "name": {"type": "string", "required": true}
    },
    "relations": {
      "purchases": {"type": "hasMany", "model": "Purchase", "foreignKey": "clientId"},
      "gifts": {"type": "hasMany", "model": "Gift", "foreignKey": "recipientId"},
      "residence": {"type": "hasOne", "model": "Residence", "foreignKey": "ownerRef"}
    }
  })"));
}

TEST_CASE("definition: a reflection's primaryKey is the owner's property that the belongs_to references") {
  CHECK(tether::model_definition<Member>()["relations"]["badges"] ==
        nlohmann::json{{"type", "hasMany"}, {"model", "Badge"}, {"foreignKey", "memberId"}, {"primaryKey", "email"}});
}

TEST_CASE("verify: a hasMany whose foreignKey is left out agrees when the key is the model's name plus Id") {
  auto file = tether::model_definition<Client>();
  file["relations"]["purchases"].erase("foreignKey");
  file["relations"]["purchases"].erase("primaryKey");

  CHECK(verify<Client>(file).empty());
}

TEST_CASE("verify: a hasMany whose foreignKey is left out disagrees when the belongs_to's key is not the model's") {
  auto file = tether::model_definition<Client>();
  file["relations"]["gifts"]["foreignKey"] = "";

  CHECK(verify<Client>(file) == disagreements{
      R"(Client.relations.gifts.foreignKey: the file says nothing, which LoopBack reads as "clientId", the model says "recipientId"; write "foreignKey": "recipientId": LoopBack's default hasMany key comes from the model's name, not from the belongs_to it reflects)"});
}

TEST_CASE("verify: a hasOne whose foreignKey is left out disagrees when the belongs_to's key is not the model's") {
  auto file = tether::model_definition<Client>();
  file["relations"]["residence"].erase("foreignKey");

  CHECK(verify<Client>(file) == disagreements{
      R"(Client.relations.residence.foreignKey: the file says nothing, which LoopBack reads as "clientId", the model says "ownerRef"; write "foreignKey": "ownerRef": LoopBack's default hasOne key comes from the model's name, not from the belongs_to it reflects)"});
}

TEST_CASE("verify: another foreignKey of a hasMany is a disagreement naming both keys") {
  auto file = tether::model_definition<Client>();
  file["relations"]["purchases"]["foreignKey"] = "buyerId";

  CHECK(verify<Client>(file) ==
        disagreements{R"(Client.relations.purchases.foreignKey: the file says "buyerId", the model says "clientId")"});
}

TEST_CASE("verify: a reflection's primaryKey left out disagrees when the belongs_to references another property") {
  auto file = tether::model_definition<Member>();
  file["relations"]["badges"].erase("primaryKey");

  CHECK(verify<Member>(file) == disagreements{
      R"(Member.relations.badges.primaryKey: the file says nothing, which LoopBack reads as "id", the model says "email")"});
}

TEST_CASE("verify: a hasMany declared as hasOne, or the other way round, disagrees on the type") {
  auto file = tether::model_definition<Client>();
  file["relations"]["purchases"]["type"] = "hasOne";
  file["relations"]["residence"]["type"] = "hasMany";

  CHECK(verify<Client>(file) == disagreements{
      R"(Client.relations.purchases.type: the file says "hasOne", the model says "hasMany")",
      R"(Client.relations.residence.type: the file says "hasMany", the model says "hasOne")"});
}

TEST_CASE("verify: another target model of a hasOne is a disagreement") {
  auto file = tether::model_definition<Client>();
  file["relations"]["residence"]["model"] = "Address";

  CHECK(verify<Client>(file) ==
        disagreements{R"(Client.relations.residence.model: the file says "Address", the model says "Residence")"});
}

TEST_CASE("verify: a has_many or has_one that the file lacks is a disagreement") {
  auto file = tether::model_definition<Client>();
  file["relations"].erase("purchases");
  file["relations"].erase("residence");

  CHECK(verify<Client>(file) == disagreements{
      R"(Client.relations.purchases: the file says nothing, the model says a hasMany relation to Purchase (foreignKey "clientId", primaryKey "id"))",
      R"(Client.relations.residence: the file says nothing, the model says a hasOne relation to Residence (foreignKey "ownerRef", primaryKey "id"))"});
}

}  // namespace unit_definition
