#ifndef TETHER_TESTS_SEMANTIC_HPP
#define TETHER_TESTS_SEMANTIC_HPP

// The semantic suite: what every connector must do the same way, written once. Each file in tests/semantic/
// is compiled once per connector; TETHER_SEMANTIC_CONNECTOR names the header (connectors/<name>.hpp) that
// gives the suite its connector:
//
//   namespace tether_test {
//   using connector = ...;                       // the connector type
//   inline constexpr const char* connector_name;  // as in the test names' prefix
//   connector make_connector();                  // a connector on an empty store of its own, per call
//   }
//
// Tests make their datasource with `tether_test::datasource db{tether_test::make_connector()};`.

#include <catch2/catch.hpp>

#include <tether/tether.hpp>

#ifndef TETHER_SEMANTIC_CONNECTOR
#error "compile the semantic suite with -DTETHER_SEMANTIC_CONNECTOR=\"connectors/<name>.hpp\""
#endif
#include TETHER_SEMANTIC_CONNECTOR

namespace tether_test {

using datasource = tether::datasource<connector>;

static_assert(tether::connector<connector>, "connectors/<name>.hpp must name a tether::connector");

}  // namespace tether_test

#endif
