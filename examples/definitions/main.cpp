// Checks a folder of LoopBack model-definition files (common/models/*.json) against the compiled models: each
// file is matched to a model by its "name" and verified, and every disagreement is printed as one sentence.
// Usage: definitions [folder]   (default: the models folder next to this source)
// Exits 0 whatever the files say, since showing disagreements is the point; 1 when a file can't be read.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <tether/tether.hpp>

struct Order;
struct Address;

// Customer has many orders and one address: LoopBack's hasMany and hasOne, keyed by Order's and Address's
// belongs_to back to it.
struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer,
      (std::int64_t, id),
      (std::string, name),
      (std::optional<std::string>, email),
      (tether::has_many<Order>, orders),
      (tether::has_one<Address>, address));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order,
      (std::int64_t, id),
      (std::string, description),
      (double, amount),
      (std::optional<tether::time_point>, placed),
      (tether::belongs_to<Customer>, customer));
};

struct Address {
  BOOST_HANA_DEFINE_STRUCT(Address,
      (std::int64_t, id),
      (std::string, street),
      (tether::belongs_to<Customer, tether::foreign_key<"residentId">>, resident));
};

namespace {

struct verdict {
  std::vector<std::string> disagreements;
  nlohmann::json compiled;  // what the file would say if it agreed
};

/// Verifies `file` against whichever of Models has the file's name; nullopt when none has.
template <class... Models>
std::optional<verdict> verify_by_name(std::string_view name, const nlohmann::json& file) {
  std::optional<verdict> result;
  ((name == tether::model_name<Models>
        ? void(result = verdict{tether::verify_definition<Models>(file), tether::model_definition<Models>()})
        : void()),
   ...);
  return result;
}

std::optional<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || !text) return std::nullopt;
  return text.str();
}

/// Reports one file; false when it could not be read as a model definition.
bool check(const std::filesystem::path& path) {
  const std::string file_name = path.filename().string();
  const auto text = read_text(path);
  if (!text) {
    std::fprintf(stderr, "%s: cannot be read\n", file_name.c_str());
    return false;
  }
  // LoopBack's definition files may carry comments.
  const auto file = nlohmann::json::parse(*text, nullptr, false, true);
  if (file.is_discarded() || !file.is_object()) {
    std::fprintf(stderr, "%s: is not %s\n", file_name.c_str(), file.is_discarded() ? "JSON" : "a JSON object");
    return false;
  }
  const auto name = file.find("name");
  const std::string model = name != file.end() && name->is_string() ? name->get<std::string>() : std::string();
  const auto found = verify_by_name<Customer, Order, Address>(model, file);
  if (!found) {
    std::printf("%s: names no compiled model (\"%s\"); the compiled ones are Customer, Order and Address\n", file_name.c_str(),
                model.c_str());
    return true;
  }
  if (found->disagreements.empty()) {
    std::printf("%s: agrees with the compiled %s\n", file_name.c_str(), model.c_str());
    return true;
  }
  std::printf("%s: disagrees with the compiled %s in %zu place(s):\n", file_name.c_str(), model.c_str(),
              found->disagreements.size());
  for (const auto& sentence : found->disagreements) std::printf("  %s\n", sentence.c_str());
  std::printf("  the compiled model's definition, for comparison:\n%s\n", found->compiled.dump(2).c_str());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path folder = argc > 1 ? argv[1] : TETHER_DEFINITIONS_MODELS;
  std::vector<std::filesystem::path> files;
  std::error_code failure;
  for (const auto& entry : std::filesystem::directory_iterator(folder, failure)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (failure) {
    std::fprintf(stderr, "%s: %s\n", folder.string().c_str(), failure.message().c_str());
    return 1;
  }
  // Directory order is the file system's; sorted, the output is the same everywhere.
  std::sort(files.begin(), files.end());
  std::printf("checking %zu definition file(s) in %s\n", files.size(), folder.string().c_str());
  bool all_read = true;
  for (const auto& path : files) all_read = check(path) && all_read;
  return all_read ? 0 : 1;
}
