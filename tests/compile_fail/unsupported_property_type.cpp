// expect: tether: unsupported property type; a property must be an integer, floating point, bool, std::string, std::chrono::system_clock::time_point, nlohmann::json, std::optional of one of these, or a tether::belongs_to
// std::vector<int> is not a property type.
#include <cstdint>
#include <vector>

#include <tether/tether.hpp>

struct Basket {
  BOOST_HANA_DEFINE_STRUCT(Basket, (std::int64_t, id), (std::vector<int>, quantities));
};

static_assert(tether::model_checked<Basket>);

int main() {}
