#ifndef TETHER_FILTER_HPP
#define TETHER_FILTER_HPP

/// @file
/// LoopBack's filter from C++: `where` conditions, `fields`, `order`, `limit`, `skip` and `include`, built with
/// `tether::filter{}.where(...)` or parsed from LoopBack's JSON with `tether::filter::parse`.
/// A filter names properties as strings; the datasource checks every name and value against the model
/// before a connector sees the query (see detail/resolve.hpp).

#include <tether/detail/filter_tree.hpp>
#include <tether/detail/parse_filter.hpp>

#endif
