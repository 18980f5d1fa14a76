#ifndef TETHER_SRC_HPP
#define TETHER_SRC_HPP

/// @file
/// The one source file of a separately compiled tether (docs/separate-compilation.md): a program built with
/// TETHER_SEPARATE_COMPILATION includes this header in exactly one .cpp, which compiles the engine, the memory
/// connector and the SQL both SQL connectors share, once. The `tether::compiled` CMake target is that .cpp.

#ifndef TETHER_SEPARATE_COMPILATION
#error "<tether/src.hpp> is for programs built with TETHER_SEPARATE_COMPILATION (the tether::compiled CMake target); a header-only program needs no source file"
#endif

#include <tether/memory.hpp>
#include <tether/tether.hpp>

#include <tether/detail/impl/constraint_failure.ipp>
#include <tether/detail/impl/describe_json.ipp>
#include <tether/detail/impl/filter_tree.ipp>
#include <tether/detail/impl/include.ipp>
#include <tether/detail/impl/like.ipp>
#include <tether/detail/impl/operations.ipp>
#include <tether/detail/impl/parse_filter.ipp>
#include <tether/detail/impl/partition_paging.ipp>
#include <tether/detail/impl/relation_load.ipp>
#include <tether/detail/impl/resolve.ipp>
#include <tether/detail/impl/row_json.ipp>
#include <tether/detail/impl/time.ipp>
#include <tether/detail/impl/worker_pool.ipp>
#include <tether/detail/memory/impl/database.ipp>
#include <tether/detail/memory/impl/evaluate.ipp>
#include <tether/detail/memory/impl/render.ipp>
#include <tether/detail/memory/impl/table.ipp>
#include <tether/detail/sql/impl/columns.ipp>
#include <tether/detail/sql/impl/schema.ipp>
#include <tether/detail/sql/impl/select.ipp>
#include <tether/detail/sql/impl/write.ipp>
#include <tether/impl/datasource.ipp>
#include <tether/impl/definition.ipp>
#include <tether/impl/json.ipp>
#include <tether/impl/value.ipp>

#endif
