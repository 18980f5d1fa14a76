#include <tether/tether.hpp>
#include <cstdio>
struct Tag { BOOST_HANA_DEFINE_STRUCT(Tag, (std::int64_t, id), (std::string, label)); };
int main() { std::printf("%s\n", std::string(tether::model_name<Tag>).c_str()); return tether::model_name<Tag> == "Tag" ? 0 : 1; }
