#ifndef TETHER_ERROR_HPP
#define TETHER_ERROR_HPP

/// @file
/// The exceptions tether throws. Every message names the model, the relation or property, and the value, so
/// that a log line alone tells what went wrong and where.

#include <stdexcept>
#include <string>

namespace tether {

/// @brief Base of every tether exception.
class error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// @brief Input that does not fit the model: a wrong type, a missing property, an unknown name.
class validation_error : public error {
public:
  using error::error;
};

/// @brief A write refused because it would break referential integrity (or a unique constraint).
class constraint_error : public error {
public:
  using error::error;
};

/// @brief The row an operation needs does not exist.
class not_found : public error {
public:
  using error::error;
};

/// @brief A relation was used with no datasource to load through.
class not_attached : public error {
public:
  using error::error;
};

/// @brief The store could not be reached, or stopped answering.
class connection_error : public error {
public:
  using error::error;
};

}  // namespace tether

#endif
