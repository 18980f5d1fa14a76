// What a model is (model.hpp): its stored properties, id, property table, with_id, how a belongsTo member is
// stored as its foreign key, and how has_many and has_one members are no properties but reflections.

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include <tether/belongs_to.hpp>
#include <tether/has_many.hpp>
#include <tether/has_one.hpp>
#include <tether/model.hpp>
#include <tether/model_info.hpp>

#include "support/models.hpp"

namespace unit_model {

namespace {

using tether_test::Customer;

// One relation per option, all to Customer: LoopBack allows the same target under several names.
struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (double, amount), (tether::belongs_to<Customer>, customer),
                           (tether::belongs_to<Customer, tether::on_delete<tether::cascade>, tether::foreign_key<"ownerId">>,
                            holder),
                           (tether::belongs_to<Customer, tether::no_constraint, tether::primary_key<"email">>, contact),
                           (tether::belongs_to<Customer, tether::on_delete<tether::set_null>>, shipping));
};

// A model without an id: the store hands out with_id<Tag>.
struct Tag {
  BOOST_HANA_DEFINE_STRUCT(Tag, (std::string, label));
};

struct Note {
  BOOST_HANA_DEFINE_STRUCT(Note, (std::int64_t, id), (tether::belongs_to<Tag>, tag));
};

// The four id shapes: integer or string, plain or optional.
struct SmallId {
  BOOST_HANA_DEFINE_STRUCT(SmallId, (std::int32_t, id), (std::string, name));
};
struct OptionalIntId {
  BOOST_HANA_DEFINE_STRUCT(OptionalIntId, (std::optional<std::int64_t>, id));
};
struct StringId {
  BOOST_HANA_DEFINE_STRUCT(StringId, (std::string, id));
};
struct OptionalStringId {
  BOOST_HANA_DEFINE_STRUCT(OptionalStringId, (std::optional<std::string>, id));
};

// Relations take their key type from the target's id, without std::optional.
struct Link {
  BOOST_HANA_DEFINE_STRUCT(Link, (std::int64_t, id), (tether::belongs_to<SmallId>, small),
                           (tether::belongs_to<OptionalIntId>, counted), (tether::belongs_to<StringId>, named),
                           (tether::belongs_to<OptionalStringId>, labelled));
};

// id_property picks the id, even over a member called `id`.
struct Product {
  BOOST_HANA_DEFINE_STRUCT(Product, (std::string, title), (std::string, code));
  static constexpr std::string_view id_property = "code";
};
struct Legacy {
  BOOST_HANA_DEFINE_STRUCT(Legacy, (std::int64_t, id), (std::string, uuid));
  static constexpr std::string_view id_property = "uuid";
};

// A self-reference: Employee is incomplete inside its own definition, so the key type is named.
struct Employee {
  BOOST_HANA_DEFINE_STRUCT(Employee, (std::int64_t, id), (std::string, name),
                           (tether::belongs_to<Employee, tether::key_type<std::int64_t>>, manager));
};

// A class template must name itself.
template <class T>
struct Setting {
  BOOST_HANA_DEFINE_STRUCT(Setting, (std::int64_t, id), (T, value));
  static constexpr std::string_view model_name = "Setting";
};

// Every property type the contract lists.
struct Sample {
  BOOST_HANA_DEFINE_STRUCT(Sample, (std::int64_t, id), (std::int16_t, small), (std::uint32_t, count), (float, ratio),
                           (double, amount), (bool, active), (std::string, text), (tether::time_point, at),
                           (nlohmann::json, extra), (std::optional<bool>, maybe), (std::optional<double>, score),
                           (std::optional<tether::time_point>, seen));
};

void check_row(const tether::property_info& row, std::string_view name, tether::value_kind kind, bool nullable,
               bool is_id, bool generated, bool foreign_key) {
  INFO("property " << name);
  CHECK(row.name == name);
  CHECK(row.kind == kind);
  CHECK(row.nullable == nullable);
  CHECK(row.is_id == is_id);
  CHECK(row.generated == generated);
  CHECK(row.foreign_key == foreign_key);
}

}  // namespace

TEST_CASE("every model used here passes the compile-time checks") {
  STATIC_REQUIRE(tether::model_checked<Customer>);
  STATIC_REQUIRE(tether::model_checked<Order>);
  STATIC_REQUIRE(tether::model_checked<Tag>);
  STATIC_REQUIRE(tether::model_checked<tether::with_id<Tag>>);
  STATIC_REQUIRE(tether::model_checked<Note>);
  STATIC_REQUIRE(tether::model_checked<Link>);
  STATIC_REQUIRE(tether::model_checked<Product>);
  STATIC_REQUIRE(tether::model_checked<Legacy>);
  STATIC_REQUIRE(tether::model_checked<Employee>);
  STATIC_REQUIRE(tether::model_checked<Setting<double>>);
  STATIC_REQUIRE(tether::model_checked<Sample>);
}

TEST_CASE("a Hana struct is a model and other types are not") {
  STATIC_REQUIRE(tether::model<Customer>);
  STATIC_REQUIRE(tether::model<Employee>);
  STATIC_REQUIRE(tether::model<tether::with_id<Tag>>);
  STATIC_REQUIRE_FALSE(tether::model<int>);
  STATIC_REQUIRE_FALSE(tether::model<std::string>);
}

TEST_CASE("a model has one stored property per member, a belongsTo included") {
  STATIC_REQUIRE(tether::property_count<Customer> == 3);
  STATIC_REQUIRE(tether::property_count<Order> == 6);
  STATIC_REQUIRE(tether::property_count<Tag> == 1);
  STATIC_REQUIRE(tether::property_count<Employee> == 3);
}

TEST_CASE("a plain property is stored under its member name") {
  STATIC_REQUIRE(tether::property_name<Customer, 0> == "id");
  STATIC_REQUIRE(tether::property_name<Customer, 1> == "name");
  STATIC_REQUIRE(tether::property_name<Customer, 2> == "email");
  STATIC_REQUIRE(tether::property_name<Order, 1> == "amount");
}

TEST_CASE("a belongsTo member is stored as its relation name plus Id") {
  STATIC_REQUIRE(tether::property_name<Order, 2> == "customerId");
  STATIC_REQUIRE(tether::property_name<Order, 4> == "contactId");
  STATIC_REQUIRE(tether::property_name<Order, 5> == "shippingId");
  STATIC_REQUIRE(tether::property_name<Employee, 2> == "managerId");
  STATIC_REQUIRE(tether::property_name<Note, 1> == "tagId");
}

TEST_CASE("foreign_key renames the stored key of a belongsTo member") {
  STATIC_REQUIRE(tether::property_name<Order, 3> == "ownerId");
}

TEST_CASE("only belongsTo members are foreign keys") {
  STATIC_REQUIRE_FALSE(tether::is_foreign_key<Order, 0>);
  STATIC_REQUIRE_FALSE(tether::is_foreign_key<Order, 1>);
  STATIC_REQUIRE(tether::is_foreign_key<Order, 2>);
  STATIC_REQUIRE(tether::is_foreign_key<Order, 3>);
  STATIC_REQUIRE(tether::is_foreign_key<Employee, 2>);
}

TEST_CASE("a plain property's type is its member type") {
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Customer, 0>, std::int64_t>);
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Customer, 1>, std::string>);
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Customer, 2>, std::optional<std::string>>);
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Order, 1>, double>);
}

TEST_CASE("a foreign key's type is the optional of the target id's type") {
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Order, 2>, std::optional<std::int64_t>>);
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Order, 3>, std::optional<std::int64_t>>);
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Link, 1>, std::optional<std::int32_t>>);
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Link, 2>, std::optional<std::int64_t>>);
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Link, 3>, std::optional<std::string>>);
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Link, 4>, std::optional<std::string>>);
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Note, 1>, std::optional<std::int64_t>>);
}

TEST_CASE("primary_key makes the key the type of the referenced target property") {
  // Customer::email is std::optional<std::string>: the key is the string, the stored key its optional.
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Order, 4>, std::optional<std::string>>);
  STATIC_REQUIRE(std::is_same_v<tether::key_type_of<Order, 4>, std::string>);
}

TEST_CASE("a model has an id when it has a member called id") {
  STATIC_REQUIRE(tether::has_id<Customer>);
  STATIC_REQUIRE(tether::id_index<Customer> == 0);
  STATIC_REQUIRE_FALSE(tether::has_id<Tag>);
}

TEST_CASE("id_property picks the id, over a member called id too") {
  STATIC_REQUIRE(tether::has_id<Product>);
  STATIC_REQUIRE(tether::id_index<Product> == 1);
  STATIC_REQUIRE(std::is_same_v<tether::id_type<Product>, std::string>);
  STATIC_REQUIRE(tether::id_index<Legacy> == 1);
  STATIC_REQUIRE(std::is_same_v<tether::id_type<Legacy>, std::string>);
  CHECK_FALSE(tether::properties<Legacy>()[0].is_id);
  CHECK(tether::properties<Legacy>()[1].is_id);
}

TEST_CASE("ids may be integers or strings, plain or optional, and id_type drops the optional") {
  STATIC_REQUIRE(std::is_same_v<tether::id_type<Customer>, std::int64_t>);
  STATIC_REQUIRE(std::is_same_v<tether::id_type<SmallId>, std::int32_t>);
  STATIC_REQUIRE(std::is_same_v<tether::id_type<OptionalIntId>, std::int64_t>);
  STATIC_REQUIRE(std::is_same_v<tether::id_type<StringId>, std::string>);
  STATIC_REQUIRE(std::is_same_v<tether::id_type<OptionalStringId>, std::string>);
}

TEST_CASE("integer ids are generated, string ids are not, optional ids are nullable") {
  using tether::value_kind;
  check_row(tether::properties<SmallId>()[0], "id", value_kind::integer, false, true, true, false);
  check_row(tether::properties<OptionalIntId>()[0], "id", value_kind::integer, true, true, true, false);
  check_row(tether::properties<StringId>()[0], "id", value_kind::string, false, true, false, false);
  check_row(tether::properties<OptionalStringId>()[0], "id", value_kind::string, true, true, false, false);
}

TEST_CASE("with_id<M> gives a model without id the std::int64_t id LoopBack would add") {
  using Stored = tether::with_id<Tag>;
  STATIC_REQUIRE(std::is_aggregate_v<Stored>);
  STATIC_REQUIRE(std::is_base_of_v<Tag, Stored>);
  STATIC_REQUIRE(tether::model<Stored>);
  STATIC_REQUIRE(tether::model_name<Stored> == "Tag");
  STATIC_REQUIRE(tether::has_id<Stored>);
  STATIC_REQUIRE(std::is_same_v<tether::id_type<Stored>, std::int64_t>);
  STATIC_REQUIRE(tether::property_count<Stored> == 2);
  STATIC_REQUIRE(tether::property_name<Stored, tether::id_index<Stored>> == "id");

  tether::with_id<Tag> t{};
  t.label = "news";
  CHECK(t.id == 0);
  t.id = 7;
  CHECK(tether::get_property<tether::id_index<Stored>>(t) == 7);
}

TEST_CASE("with_id<M>'s properties are id plus M's") {
  using Stored = tether::with_id<Tag>;
  std::vector<std::string_view> names;
  for (const auto& row : tether::properties<Stored>()) names.push_back(row.name);
  CHECK(names == std::vector<std::string_view>{"id", "label"});
  check_row(tether::properties<Stored>()[tether::id_index<Stored>], "id", tether::value_kind::integer, false, true,
            true, false);

  tether::with_id<Tag> t{};
  t.label = "news";
  constexpr std::size_t label = tether::id_index<Stored> == 0 ? 1 : 0;
  CHECK(tether::get_property<label>(t) == "news");
}

TEST_CASE("persisted<M> is M when it has an id and with_id<M> when it has none") {
  STATIC_REQUIRE(std::is_same_v<tether::persisted<Tag>, tether::with_id<Tag>>);
  STATIC_REQUIRE(std::is_same_v<tether::persisted<Customer>, Customer>);
  STATIC_REQUIRE(std::is_same_v<tether::persisted<Product>, Product>);
}

TEST_CASE("a belongsTo to a model without id links to with_id<M> by its int64 id") {
  STATIC_REQUIRE(std::is_same_v<decltype(Note::tag)::target_type, tether::with_id<Tag>>);
  STATIC_REQUIRE(std::is_same_v<decltype(Note::tag)::key_type, std::int64_t>);
  STATIC_REQUIRE(std::is_same_v<tether::reference<Note, 1>::target, tether::with_id<Tag>>);
  STATIC_REQUIRE(tether::reference<Note, 1>::target_property == tether::id_index<tether::with_id<Tag>>);
}

TEST_CASE("the property table has one row per stored property, in declaration order") {
  using tether::value_kind;
  constexpr auto rows = tether::properties<Order>();
  STATIC_REQUIRE(rows.size() == 6);
  STATIC_REQUIRE(tether::properties<Order>()[2].foreign_key);  // usable at compile time
  check_row(rows[0], "id", value_kind::integer, false, true, true, false);
  check_row(rows[1], "amount", value_kind::real, false, false, false, false);
  check_row(rows[2], "customerId", value_kind::integer, true, false, false, true);
  check_row(rows[3], "ownerId", value_kind::integer, true, false, false, true);
  check_row(rows[4], "contactId", value_kind::string, true, false, false, true);
  check_row(rows[5], "shippingId", value_kind::integer, true, false, false, true);
}

TEST_CASE("the property table gives each property type its value kind and nullability") {
  using tether::value_kind;
  const auto rows = tether::properties<Sample>();
  REQUIRE(rows.size() == 12);
  check_row(rows[0], "id", value_kind::integer, false, true, true, false);
  check_row(rows[1], "small", value_kind::integer, false, false, false, false);
  check_row(rows[2], "count", value_kind::integer, false, false, false, false);
  check_row(rows[3], "ratio", value_kind::real, false, false, false, false);
  check_row(rows[4], "amount", value_kind::real, false, false, false, false);
  check_row(rows[5], "active", value_kind::boolean, false, false, false, false);
  check_row(rows[6], "text", value_kind::string, false, false, false, false);
  check_row(rows[7], "at", value_kind::time, false, false, false, false);
  check_row(rows[8], "extra", value_kind::json, false, false, false, false);
  check_row(rows[9], "maybe", value_kind::boolean, true, false, false, false);
  check_row(rows[10], "score", value_kind::real, true, false, false, false);
  check_row(rows[11], "seen", value_kind::time, true, false, false, false);
}

TEST_CASE("for_each_property visits the stored properties in order") {
  std::vector<std::string_view> names;
  tether::for_each_property<Order>([&](auto i) { names.push_back(tether::property_name<Order, i>); });
  CHECK(names ==
        std::vector<std::string_view>{"id", "amount", "customerId", "ownerId", "contactId", "shippingId"});
}

TEST_CASE("get_property reads a plain property and set_property writes it") {
  Order order;
  order.id = 3;
  order.amount = 12.5;
  CHECK(tether::get_property<0>(order) == 3);
  CHECK(tether::get_property<1>(order) == 12.5);

  tether::set_property<1>(order, 20.0);
  CHECK(order.amount == 20.0);
  tether::set_property<0>(order, std::int64_t{9});
  CHECK(order.id == 9);

  Customer customer;
  tether::set_property<2>(customer, std::optional<std::string>{"ada@example.com"});
  CHECK(customer.email == "ada@example.com");
  tether::set_property<2>(customer, std::nullopt);
  CHECK_FALSE(customer.email.has_value());
}

TEST_CASE("get_property of a foreign key is the relation's key itself") {
  Order order;
  STATIC_REQUIRE(std::is_same_v<decltype(tether::get_property<2>(order)), const std::optional<std::int64_t>&>);
  CHECK_FALSE(tether::get_property<2>(order).has_value());
  order.customer = 5;
  CHECK(&tether::get_property<2>(order) == &order.customer.key());
  CHECK(tether::get_property<2>(order) == 5);
}

TEST_CASE("set_property of a foreign key sets the relation's key") {
  Order order;
  tether::set_property<2>(order, std::optional<std::int64_t>{4});
  CHECK(order.customer.key() == 4);
  tether::set_property<4>(order, std::optional<std::string>{"ada@example.com"});
  CHECK(order.contact.key() == "ada@example.com");
  tether::set_property<2>(order, std::nullopt);
  CHECK_FALSE(order.customer.key().has_value());
}

TEST_CASE("set_property of a foreign key drops a cached target that no longer matches") {
  Customer ada;
  ada.id = 5;
  ada.name = "Ada";
  Order order;
  order.customer(ada);
  REQUIRE(order.customer.loaded());
  REQUIRE(order.customer() != nullptr);

  tether::set_property<2>(order, std::optional<std::int64_t>{5});
  CHECK(order.customer.loaded());
  CHECK(order.customer()->name == "Ada");

  tether::set_property<2>(order, std::optional<std::int64_t>{6});
  CHECK_FALSE(order.customer.loaded());
  CHECK(order.customer() == nullptr);
  CHECK(order.customer.key() == 6);
}

TEST_CASE("a self-referencing model names its key type and links to itself") {
  using Manager = decltype(Employee::manager);
  STATIC_REQUIRE(std::is_same_v<Manager::target_type, Employee>);
  STATIC_REQUIRE(std::is_same_v<Manager::key_type, std::int64_t>);
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Employee, 2>, std::optional<std::int64_t>>);
  STATIC_REQUIRE(std::is_same_v<tether::reference<Employee, 2>::target, Employee>);
  STATIC_REQUIRE(tether::reference<Employee, 2>::target_property == tether::id_index<Employee>);
  check_row(tether::properties<Employee>()[2], "managerId", tether::value_kind::integer, true, false, false, true);

  Employee boss;
  boss.id = 1;
  boss.name = "Grace";
  Employee clerk;
  clerk.id = 2;
  clerk.manager(boss);
  CHECK(clerk.manager.key() == 1);
  REQUIRE(clerk.manager() != nullptr);
  CHECK(clerk.manager()->name == "Grace");
}

TEST_CASE("a class template model takes its name from its model_name member") {
  STATIC_REQUIRE(tether::model_name<Setting<double>> == "Setting");
  STATIC_REQUIRE(tether::model_name<Setting<std::string>> == "Setting");
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Setting<std::string>, 1>, std::string>);
  CHECK(tether::properties<Setting<double>>()[1].kind == tether::value_kind::real);
  CHECK(tether::properties<Setting<std::string>>()[1].kind == tether::value_kind::string);
}

TEST_CASE("reference<M, I> tells a connector the target, the referenced property and the delete rule") {
  using customer = tether::reference<Order, 2>;
  STATIC_REQUIRE(std::is_same_v<customer::target, Customer>);
  STATIC_REQUIRE(customer::target_property == tether::id_index<Customer>);
  STATIC_REQUIRE(customer::on_delete == tether::delete_action::restrict);
  STATIC_REQUIRE(customer::enforced);

  using holder = tether::reference<Order, 3>;
  STATIC_REQUIRE(std::is_same_v<holder::target, Customer>);
  STATIC_REQUIRE(holder::on_delete == tether::delete_action::cascade);
  STATIC_REQUIRE(holder::enforced);

  using shipping = tether::reference<Order, 5>;
  STATIC_REQUIRE(shipping::on_delete == tether::delete_action::set_null);
  STATIC_REQUIRE(shipping::enforced);
}

TEST_CASE("reference<M, I> of a primary_key relation names that property, and no_constraint is not enforced") {
  using contact = tether::reference<Order, 4>;
  STATIC_REQUIRE(std::is_same_v<contact::target, Customer>);
  STATIC_REQUIRE(contact::target_property == 2);
  STATIC_REQUIRE(tether::property_name<Customer, contact::target_property> == "email");
  STATIC_REQUIRE_FALSE(contact::enforced);
}

// --- the reflections: has_many and has_one ---------------------------------------------------------------------

namespace {
namespace reflections {

// Purchase and Residence are incomplete where Buyer declares its reflections, which sit between its properties.
struct Purchase;
struct Residence;
struct Buyer {
  BOOST_HANA_DEFINE_STRUCT(Buyer,
      (std::int64_t, id),
      (tether::has_many<Purchase>, purchases),
      (std::string, name),
      (tether::has_one<Residence>, residence));
};
struct Purchase {
  BOOST_HANA_DEFINE_STRUCT(Purchase, (std::int64_t, id), (double, amount), (tether::belongs_to<Buyer>, buyer));
};
struct Residence {
  BOOST_HANA_DEFINE_STRUCT(Residence, (std::int64_t, id), (std::string, street), (tether::belongs_to<Buyer>, buyer));
};

// Parcel belongs to Client twice; inverse<> says which belongs_to each reflection reflects.
struct Parcel;
struct Client {
  BOOST_HANA_DEFINE_STRUCT(Client,
      (std::int64_t, id),
      (tether::has_many<Parcel, tether::inverse<"billing">>, billed),
      (tether::has_one<Parcel, tether::inverse<"shipping">>, shipped));
};
struct Parcel {
  BOOST_HANA_DEFINE_STRUCT(Parcel,
      (std::int64_t, id),
      (tether::belongs_to<Client>, billing),
      (tether::belongs_to<Client, tether::foreign_key<"shipTo">>, shipping));
};

// A self-reference, the reflection declared before the belongs_to it reflects. Staff is incomplete inside its own
// definition: the belongs_to names its key type, the has_many needs nothing.
struct Staff {
  BOOST_HANA_DEFINE_STRUCT(Staff,
      (std::int64_t, id),
      (std::string, name),
      (tether::has_many<Staff>, reports),
      (tether::belongs_to<Staff, tether::key_type<std::int64_t>>, manager));
};

}  // namespace reflections
}  // namespace

TEST_CASE("models with reflections pass the compile-time checks") {
  STATIC_REQUIRE(tether::model_checked<reflections::Buyer>);
  STATIC_REQUIRE(tether::model_checked<reflections::Purchase>);
  STATIC_REQUIRE(tether::model_checked<reflections::Client>);
  STATIC_REQUIRE(tether::model_checked<reflections::Staff>);
}

TEST_CASE("has_many and has_one members are no stored properties") {
  using reflections::Buyer;
  STATIC_REQUIRE(tether::property_count<Buyer> == 2);
  STATIC_REQUIRE(tether::property_name<Buyer, 0> == "id");
  STATIC_REQUIRE(tether::property_name<Buyer, 1> == "name");
  STATIC_REQUIRE(std::is_same_v<tether::property_type<Buyer, 1>, std::string>);
  STATIC_REQUIRE(tether::id_index<Buyer> == 0);

  std::vector<std::string_view> names;
  tether::for_each_property<Buyer>([&](auto i) { names.push_back(tether::property_name<Buyer, i>); });
  CHECK(names == std::vector<std::string_view>{"id", "name"});
}

TEST_CASE("the property table has no row for a reflection") {
  const auto table = tether::properties<reflections::Buyer>();

  REQUIRE(table.size() == 2);
  CHECK(table[0].name == "id");
  CHECK(table[1].name == "name");
  CHECK_FALSE(table[1].foreign_key);
}

TEST_CASE("model_info describes each reflection: name, kind, models, key, referenced property, place") {
  const tether::model_info& buyer = tether::model_info_of<reflections::Buyer>();
  REQUIRE(buyer.reflections().size() == 2);
  CHECK_FALSE(buyer.find("purchases").has_value());

  const tether::reflection_info& purchases = buyer.reflection(0);
  CHECK(purchases.name == "purchases");
  CHECK(purchases.many);
  CHECK(purchases.target().name() == "Purchase");
  CHECK(&purchases.owner() == &buyer);
  CHECK(purchases.target().property(purchases.foreign_key).name == "buyerId");
  CHECK(purchases.referenced == tether::id_index<reflections::Buyer>);
  CHECK(purchases.rows != nullptr);

  const tether::reflection_info& residence = buyer.reflection(1);
  CHECK(residence.name == "residence");
  CHECK_FALSE(residence.many);
  CHECK(residence.target().name() == "Residence");
  CHECK(residence.target().property(residence.foreign_key).name == "buyerId");
  CHECK(residence.rows == nullptr);

  CHECK(buyer.find_reflection("residence") == std::optional<std::size_t>{1});
  CHECK_FALSE(buyer.find_reflection("name").has_value());
  reflections::Buyer ann;
  CHECK(buyer.reflection_member(&ann, 0) == &ann.purchases);
  CHECK(buyer.reflection_member(&ann, 1) == &ann.residence);
}

TEST_CASE("a has_many's rows ops make and walk a vector of the target's rows") {
  const tether::reflection_info& purchases = tether::model_info_of<reflections::Buyer>().reflection(0);

  void* first = nullptr;
  const auto made = purchases.rows->make(3, first);
  const auto [at, count] = purchases.rows->rows(made.get());

  CHECK(count == 3);
  CHECK(at == first);
  CHECK(static_cast<const std::vector<reflections::Purchase>*>(made.get())->size() == 3);
}

TEST_CASE("inverse<> picks which of two belongs_to back to the model each reflection reflects") {
  const tether::model_info& client = tether::model_info_of<reflections::Client>();
  const tether::model_info& parcel = client.reflection(0).target();

  CHECK(parcel.property(client.reflection(0).foreign_key).name == "billingId");
  CHECK(parcel.property(client.reflection(1).foreign_key).name == "shipTo");
  CHECK(client.reflection(0).many);
  CHECK_FALSE(client.reflection(1).many);
}

TEST_CASE("a self-referencing model reflects its own belongs_to: an employee's reports and manager") {
  using reflections::Staff;
  STATIC_REQUIRE(tether::property_count<Staff> == 3);
  STATIC_REQUIRE(tether::property_name<Staff, 2> == "managerId");
  STATIC_REQUIRE(tether::is_foreign_key<Staff, 2>);
  STATIC_REQUIRE(std::is_same_v<tether::reference<Staff, 2>::target, Staff>);

  const tether::model_info& staff = tether::model_info_of<Staff>();
  REQUIRE(staff.reflections().size() == 1);
  CHECK(staff.reflection(0).name == "reports");
  CHECK(&staff.reflection(0).target() == &staff);
  CHECK(staff.property(staff.reflection(0).foreign_key).name == "managerId");
  CHECK(staff.reflection(0).referenced == tether::id_index<Staff>);
}

}  // namespace unit_model
