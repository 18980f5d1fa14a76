// The semantic suite on the SQLite connector: a fresh database file per test, in WAL mode as users get it, in a
// directory of the process's own that is removed when the suite exits.

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

#include <tether/sqlite.hpp>

namespace tether_test {

using connector = tether::sqlite;
inline constexpr const char* connector_name = "sqlite";

namespace detail {

class database_directory {
public:
  database_directory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tether-semantic-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  database_directory(const database_directory&) = delete;
  database_directory& operator=(const database_directory&) = delete;
  ~database_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  std::string next_file() { return (path_ / ("test-" + std::to_string(++count_) + ".db")).string(); }

private:
  std::filesystem::path path_;
  std::atomic<int> count_{0};
};

}  // namespace detail

inline tether::sqlite make_connector() {
  static detail::database_directory directory;
  return tether::sqlite{directory.next_file()};
}

}  // namespace tether_test
