#ifndef TETHER_TETHER_HPP
#define TETHER_TETHER_HPP

/// @file
/// The umbrella header: models, relations, filters, datasource, repositories, JSON and LoopBack model definitions.

#include <tether/belongs_to.hpp>
#include <tether/connector.hpp>
#include <tether/datasource.hpp>
#include <tether/definition.hpp>
#include <tether/error.hpp>
#include <tether/filter.hpp>
#include <tether/fwd.hpp>
#include <tether/future.hpp>
#include <tether/has_many.hpp>
#include <tether/has_one.hpp>
#include <tether/json.hpp>
#include <tether/model.hpp>
#include <tether/naming.hpp>
#include <tether/repository.hpp>
#include <tether/value.hpp>

#endif
