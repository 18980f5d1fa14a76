#ifndef TETHER_TEST_SEMANTIC_CONNECTORS_POSTGRES_HPP
#define TETHER_TEST_SEMANTIC_CONNECTORS_POSTGRES_HPP

// The PostgreSQL connector for connector-agnostic tests: every call gives a connector on a schema of its own,
// created empty on the server the test fixture started (tests/postgres/server.sh writes its connection string
// to TETHER_TEST_POSTGRES_CONNINFO_FILE) or on the server the environment variable TETHER_TEST_POSTGRES names.
// A test program links the CMake target tether_test_postgres (tests/CMakeLists.txt), and its tests need
// FIXTURES_REQUIRED postgres_server.

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include <libpq-fe.h>
#include <unistd.h>

#include <tether/postgres.hpp>

namespace tether_test {

using connector = tether::postgres;
inline constexpr const char* connector_name = "postgres";

/// The test server's connection string: $TETHER_TEST_POSTGRES, else what the fixture wrote.
inline std::string postgres_server() {
  if (const char* given = std::getenv("TETHER_TEST_POSTGRES"); given != nullptr && *given != '\0') return given;
#ifdef TETHER_TEST_POSTGRES_CONNINFO_FILE
  std::ifstream file(TETHER_TEST_POSTGRES_CONNINFO_FILE);
  std::string conninfo;
  if (std::getline(file, conninfo) && !conninfo.empty()) return conninfo;
  throw std::runtime_error("no PostgreSQL test server: " TETHER_TEST_POSTGRES_CONNINFO_FILE
                           " is missing (run the tests through ctest, whose fixture postgres.server.start writes "
                           "it) and TETHER_TEST_POSTGRES is not set");
#else
  throw std::runtime_error("no PostgreSQL test server: set TETHER_TEST_POSTGRES to a libpq connection string");
#endif
}

/// Runs one statement on `conninfo` with a connection of its own; throws with the server's message.
inline void postgres_execute(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::string failure;
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  if (PQstatus(conn) != CONNECTION_OK) {
    failure = PQerrorMessage(conn);
  } else {
    PGresult* r = PQexec(conn, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) failure = PQerrorMessage(conn);
    PQclear(r);
  }
  PQfinish(conn);
  if (!failure.empty()) throw std::runtime_error("postgres test setup: " + sql + ": " + failure);
}

/// A connection string to an empty schema of its own on the test server.
inline std::string fresh_postgres_schema() {
  static std::atomic<int> counter{0};
  const std::string server = postgres_server();
  const std::string schema = "tether_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  postgres_execute(server, "DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  return server + " options='-c search_path=" + schema + "'";
}

/// A connector on an empty database of its own: each call starts from nothing.
inline tether::postgres make_connector() { return tether::postgres{fresh_postgres_schema()}; }

}  // namespace tether_test

#endif
