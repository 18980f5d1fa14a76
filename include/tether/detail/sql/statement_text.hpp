#ifndef TETHER_DETAIL_SQL_STATEMENT_TEXT_HPP
#define TETHER_DETAIL_SQL_STATEMENT_TEXT_HPP

/// @file
/// SQL text and the operands its parameters stand for: what the builder hands a connector to bind and run.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <tether/detail/sql/dialect.hpp>
#include <tether/model.hpp>
#include <tether/value.hpp>

namespace tether::detail::sql {

/// What one parameter stands for: a value, a list of them as one array, or a LIKE pattern the builder rewrote.
/// The values live in the query the text was built from.
struct operand {
  static constexpr std::size_t no_pattern = static_cast<std::size_t>(-1);
  value_kind kind = value_kind::integer;  ///< the compared property's kind
  const value* single = nullptr;
  const std::vector<value>* list = nullptr;
  std::size_t pattern = no_pattern;  ///< into statement_text::patterns
};

/// SQL text and its operands, in parameter order.
struct statement_text {
  std::string text;
  std::vector<operand> operands;
  std::vector<std::string> patterns;  ///< rewritten LIKE patterns, as operand::pattern numbers them

  /// Appends the placeholder of a new operand.
  void parameter(const dialect& d, operand o) {
    operands.push_back(o);
    append_placeholder(d, text, operands.size());
  }

  /// The pattern operand `o` stands for (when o.pattern is set).
  [[nodiscard]] const std::string& pattern_of(const operand& o) const { return patterns[o.pattern]; }

  /// Appends the placeholder of parameter `number` (from 1).
  static void append_placeholder(const dialect& d, std::string& text, std::size_t number) {
    if (d.placeholders == placeholder_style::question_mark) {
      text += '?';
      return;
    }
    // appended in two steps: g++ 12 -O2 warns falsely (-Wrestrict) on "$" + std::to_string(...)
    (text += '$') += std::to_string(number);
  }
};

}  // namespace tether::detail::sql

#endif
