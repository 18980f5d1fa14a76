#ifndef TETHER_DETAIL_ROW_JSON_HPP
#define TETHER_DETAIL_ROW_JSON_HPP

/// @file
/// A row's stored properties to and from a JSON object, through each property's value codec (model_info's
/// value_ops, json_value.hpp): a foreign key is its key, never its relation's target. What a store keeps and
/// logs; the instance JSON of json.hpp adds the embedded targets on top.

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include <tether/detail/config.hpp>
#include <tether/detail/describe_json.hpp>
#include <tether/error.hpp>
#include <tether/model_info.hpp>

namespace tether::detail {

/// Writes the stored properties of `row`, a row of m, as the object `j`.
inline void write_row_json(nlohmann::json& j, const model_info& m, const void* row) {
  j = nlohmann::json::object();
  for (std::size_t i = 0; i < m.properties().size(); ++i)
    j[std::string(m.property(i).name)] = m.property(i).ops->to_json(m.member(row, i));
}

/// Refuses a document that is not an object, naming the model.
inline void expect_row_object(const nlohmann::json& j, const model_info& m) {
  if (!j.is_object())
    throw validation_error("tether: " + std::string(m.name()) + " expects a JSON object, got " + describe_json(j));
}

/// Reads stored property `index` of `row` from the object `j`: null when absent and optional (or the id, which a
/// create generates), a validation_error when absent and required. Returns the JSON it read, or null when absent.
TETHER_DECL const nlohmann::json* read_row_property(const nlohmann::json& j, const model_info& m, void* row,
                                                    std::size_t index);

/// Reads the stored properties of `row`, a row of m, from the object `j`; other members of `j` are ignored.
inline void read_row_json(const nlohmann::json& j, const model_info& m, void* row) {
  expect_row_object(j, m);
  for (std::size_t i = 0; i < m.properties().size(); ++i) read_row_property(j, m, row, i);
}

}  // namespace tether::detail

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/impl/row_json.ipp>
#endif

#endif
