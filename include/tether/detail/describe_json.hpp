#ifndef TETHER_DETAIL_DESCRIBE_JSON_HPP
#define TETHER_DETAIL_DESCRIBE_JSON_HPP

/// @file
/// A JSON value as an error message shows it. Containers are named, never printed: printing recurses, and a
/// hostile document nested a hundred thousand levels deep would exhaust the stack. Long strings are cut, and
/// invalid UTF-8 is replaced rather than thrown on.

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include <tether/detail/config.hpp>

namespace tether::detail {

TETHER_DECL std::string describe_json(const nlohmann::json& value);

}  // namespace tether::detail

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/impl/describe_json.ipp>
#endif

#endif
