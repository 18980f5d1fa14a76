// Another process holding a SQLite database's write lock, for tests/unit-sqlite.cpp:
//   sqlite_lock_holder <database> <release-file>
// takes the lock (BEGIN IMMEDIATE), prints "locked", and keeps it until <release-file> exists (at most 60 s).

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <sqlite3.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <database> <release-file>\n", argv[0]);
    return 2;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(argv[1], &db) != SQLITE_OK || sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "cannot lock %s: %s\n", argv[1], sqlite3_errmsg(db));
    return 1;
  }
  std::printf("locked\n");
  std::fflush(stdout);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(argv[2]) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return 0;
}
