#ifndef TETHER_DETAIL_MEMORY_FILE_HPP
#define TETHER_DETAIL_MEMORY_FILE_HPP

/// @file
/// Where a memory database keeps its tables between runs: a JSON file in the layout of LoopBack's memory
/// connector ({"ids": {...}, "models": {"Customer": {"1": "<row as JSON>"}}}), read when a model's table is first
/// opened and rewritten after every committed change through a temporary file and a rename. Only
/// `tether::memory{"file"}` makes one, so a program that keeps nothing compiles none of this (no JSON parser,
/// no file I/O): the database knows it only through `memory_file`.

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <variant>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <tether/detail/memory/table.hpp>
#include <tether/detail/row_json.hpp>
#include <tether/error.hpp>
#include <tether/model_info.hpp>

namespace tether::detail::memory {

/// What a memory database asks of the file it is kept in.
class memory_file {
public:
  virtual ~memory_file() = default;
  /// Fills a table just opened with the rows the file holds for its model.
  virtual void load_rows(memory_table& table) = 0;
  /// Takes back the rows of a table whose opening was undone (the operation that opened it failed), as they were
  /// read: the file keeps them until a table that stays open holds them.
  virtual void put_back(const memory_table& table) = 0;
  /// Forgets what the file held for m: m's table was dropped.
  virtual void forget(const model_info& m) = 0;
  /// Writes every table, replacing the file.
  virtual void save(const memory_tables& tables) = 0;
};

/// LoopBack's memory-connector file. A template over the JSON type (always nlohmann::json) only so that it is
/// compiled where it is used.
template <class Json = nlohmann::json>
class json_memory_file final : public memory_file {
public:
  /// Reads `file` now if it exists. Throws connection_error when it is no data file.
  explicit json_memory_file(std::filesystem::path file) : file_(std::move(file)) {
    if (std::filesystem::exists(file_)) load_file();
  }

  void load_rows(memory_table& table) override {
    const model_info& m = table.model();
    const std::string name(m.name());
    if (!stored_.contains("models") || !stored_["models"].contains(name)) return;
    for (const auto& [id, text] : stored_["models"][name].items()) {
      (void)id;
      void* row = table.new_row();
      try {
        read_row_json(Json::parse(text.template get<std::string>()), m, row);
      } catch (...) {
        table.destroy_row(row);
        try {
          throw;
        } catch (const nlohmann::json::exception& e) {
          throw validation_error("tether::memory: " + file_.string() + ": a " + name + " row is not valid JSON: " +
                                 e.what());
        }
      }
      const auto key = table.id_of(row);
      table.rows.emplace(key, row);
      if (const auto* i = std::get_if<std::int64_t>(&key)) table.next_id = std::max<std::int64_t>(table.next_id, *i + 1);
    }
    if (stored_.contains("ids") && stored_["ids"].contains(name) && stored_["ids"][name].is_number_integer())
      table.next_id = std::max(table.next_id, stored_["ids"][name].template get<std::int64_t>());
    stored_["models"].erase(name);
  }

  void put_back(const memory_table& table) override {
    const std::string name(table.model().name());
    // A load that failed part-way kept the file's copy; a table the file held nothing of has nothing to give.
    if (table.rows.empty() || (stored_.contains("models") && stored_["models"].contains(name))) return;
    stored_["models"][name] = rows_of(table);
  }

  void forget(const model_info& m) override {
    if (stored_.contains("models")) stored_["models"].erase(std::string(m.name()));
  }

  /// Writes every table to the file through a temporary file and a rename, so a crash leaves the old file
  /// or the new one, never half of one.
  void save(const memory_tables& tables) override {
    Json out = stored_.is_object() ? stored_ : Json::object();
    if (!out.contains("ids")) out["ids"] = Json::object();
    if (!out.contains("models")) out["models"] = Json::object();
    for (const auto& [model, table] : tables) {
      const std::string name(model->name());
      out["ids"][name] = table->next_id;
      out["models"][name] = rows_of(*table);
    }
    const std::string text = out.dump(2);
    const auto temporary = std::filesystem::path(file_.string() + ".tmp");
    std::FILE* f = std::fopen(temporary.c_str(), "wb");
    if (f == nullptr)
      throw connection_error("tether::memory: cannot write " + temporary.string() + ": " + std::strerror(errno));
    const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0 &&
                         ::fsync(::fileno(f)) == 0;
    const int saved_errno = errno;
    std::fclose(f);
    std::error_code renamed;
    if (written) std::filesystem::rename(temporary, file_, renamed);
    if (!written || renamed) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw connection_error("tether::memory: cannot write " + file_.string() + ": " +
                             (written ? renamed.message() : std::string(std::strerror(saved_errno))));
    }
  }

private:
  /// A table in the file's layout: id -> the row as a JSON string.
  static Json rows_of(const memory_table& table) {
    Json out = Json::object();
    for (const auto& [id, row] : table.rows) {
      std::string key = std::holds_alternative<std::string>(id) ? std::get<std::string>(id)
                                                                 : std::to_string(std::get<std::int64_t>(id));
      Json j;
      write_row_json(j, table.model(), row);
      out[key] = j.dump();
    }
    return out;
  }

  void load_file() {
    std::ifstream in(file_);
    try {
      stored_ = Json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw connection_error("tether::memory: " + file_.string() + " is not a JSON data file: " + e.what());
    }
    if (!stored_.is_object() || (stored_.contains("models") && !stored_["models"].is_object()))
      throw connection_error("tether::memory: " + file_.string() +
                             " is not a memory-connector data file (expected {\"ids\": {...}, \"models\": {...}})");
  }

  std::filesystem::path file_;
  Json stored_ = Json::object();  ///< file contents of models not opened yet
};

}  // namespace tether::detail::memory

#endif
