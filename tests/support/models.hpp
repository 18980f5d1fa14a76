#ifndef TETHER_TESTS_SUPPORT_MODELS_HPP
#define TETHER_TESTS_SUPPORT_MODELS_HPP

// The models that many test files share, declared once: the shop of customers and their orders, with the
// relations that exercise each belongs_to option. A test file names the ones it uses
// (`using tether_test::Customer;`); a model whose shape is a file's own stays in that file, in its anonymous
// namespace, so that two shapes of one name never meet in one program.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <tether/belongs_to.hpp>
#include <tether/model.hpp>

namespace tether_test {

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer,
      (std::int64_t, id),
      (std::string, name),
      (std::optional<std::string>, email));
};

// "Order" is an SQL keyword: the table name must be quoted everywhere.
struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order,
      (std::int64_t, id),
      (std::string, description),
      (double, amount),
      (tether::belongs_to<Customer>, customer));
};

// Every property type, plain and optional.
struct Sample {
  BOOST_HANA_DEFINE_STRUCT(Sample,
      (std::int64_t, id),
      (int, small),
      (std::uint16_t, tiny),
      (float, ratio),
      (double, real),
      (bool, flag),
      (std::string, text),
      (tether::time_point, at),
      (nlohmann::json, data),
      (std::optional<std::int64_t>, maybe_int),
      (std::optional<double>, maybe_real),
      (std::optional<bool>, maybe_flag),
      (std::optional<std::string>, maybe_text),
      (std::optional<tether::time_point>, maybe_at),
      (std::optional<nlohmann::json>, maybe_data));
};

// A model whose id is a string the caller supplies.
struct Coupon {
  BOOST_HANA_DEFINE_STRUCT(Coupon,
      (std::string, code),
      (double, discount));
  static constexpr std::string_view id_property = "code";
};

// Removed with their customer.
struct Note {
  BOOST_HANA_DEFINE_STRUCT(Note,
      (std::int64_t, id),
      (std::string, text),
      (tether::belongs_to<Customer, tether::on_delete<tether::cascade>>, customer));
};

// No constraint: a visit may name a customer that does not exist (or no longer does).
struct Visit {
  BOOST_HANA_DEFINE_STRUCT(Visit,
      (std::int64_t, id),
      (std::string, page),
      (tether::belongs_to<Customer, tether::no_constraint>, customer));
};

// A relation keyed by a property other than the target's id.
struct Newsletter {
  BOOST_HANA_DEFINE_STRUCT(Newsletter,
      (std::int64_t, id),
      (std::string, topic),
      (tether::belongs_to<Customer, tether::primary_key<"email">>, subscriber));
};

// A chain: Account <- Project (cascade) <- Invoice (restrict).
struct Account {
  BOOST_HANA_DEFINE_STRUCT(Account, (std::int64_t, id), (std::string, name));
};

struct Project {
  BOOST_HANA_DEFINE_STRUCT(Project,
      (std::int64_t, id),
      (std::string, name),
      (tether::belongs_to<Account, tether::on_delete<tether::cascade>>, account));
};

struct Invoice {
  BOOST_HANA_DEFINE_STRUCT(Invoice,
      (std::int64_t, id),
      (std::string, number),
      (tether::belongs_to<Project>, project));
};

}  // namespace tether_test

#endif
