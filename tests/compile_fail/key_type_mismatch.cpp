// expect: tether::belongs_to<Target, key_type<K>>: K differs from the type of the target property the key references; make them the same
// Employee's id is std::int64_t, but the self-reference names its key std::string.
#include <cstdint>
#include <string>

#include <tether/tether.hpp>

struct Employee {
  BOOST_HANA_DEFINE_STRUCT(Employee, (std::int64_t, id), (std::string, name),
                           (tether::belongs_to<Employee, tether::key_type<std::string>>, manager));
};

static_assert(tether::model_checked<Employee>);

int main() {}
