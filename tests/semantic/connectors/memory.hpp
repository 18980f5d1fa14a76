// The semantic suite on the memory connector: a fresh in-process store per test.

#include <tether/memory.hpp>

namespace tether_test {

using connector = tether::memory;
inline constexpr const char* connector_name = "memory";

inline tether::memory make_connector() { return tether::memory{}; }

}  // namespace tether_test
