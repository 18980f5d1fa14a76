// expect: tether: the model's `id_property` names no property of the model; name one of its members
// id_property names `sku`, but the member is `code`.
#include <string>
#include <string_view>

#include <tether/tether.hpp>

struct Product {
  BOOST_HANA_DEFINE_STRUCT(Product, (std::string, code), (std::string, title));
  static constexpr std::string_view id_property = "sku";
};

static_assert(tether::model_checked<Product>);

int main() {}
