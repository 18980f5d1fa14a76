#ifndef TETHER_DEFINITION_HPP
#define TETHER_DEFINITION_HPP

/// @file
/// LoopBack model definitions (the `common/models/<model>.json` files) in and out. `model_definition<M>()`
/// writes the definition from which LoopBack builds the same model; `verify_definition<M>(file)` lists, one
/// sentence each, where a definition file and the compiled model disagree.
///
/// A model that declares its id is written with `"idInjection": false` and its id among the properties. A model
/// without one (stored as `with_id<M>`) is written as its author would write it for LoopBack: without the id
/// and with `"idInjection": true`, so that LoopBack injects `id: {type: Number, id: true, generated: true}`,
/// which is what `with_id` adds (on connectors whose default id type is Number, as every tether connector's is).
///
/// A has_many or has_one is written as LoopBack's hasMany or hasOne with the key of the belongs_to it reflects.
/// LoopBack's default key for those is the declaring model's name plus Id (`customerId` in Customer), whatever the
/// belongs_to is called, so a file that leaves foreignKey out agrees only when that default is the actual key.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include <tether/belongs_to.hpp>
#include <tether/detail/config.hpp>
#include <tether/detail/describe_json.hpp>
#include <tether/error.hpp>
#include <tether/model.hpp>
#include <tether/model_info.hpp>
#include <tether/naming.hpp>

namespace tether {
namespace detail {

template <class M>
struct injects_id : std::false_type {};
template <class M>
struct injects_id<with_id<M>> : std::true_type {};

/// What a definition file is compared with: the compiled model, read once into plain data, so that comparing
/// (the part fed untrusted files) is ordinary code compiled once, not once per model.
struct compiled_relation {
  std::string_view type;         ///< LoopBack's relation type: belongsTo, hasMany or hasOne
  std::string_view name;         ///< the member name, LoopBack's relation name
  std::string_view model;        ///< the target's model name
  std::string_view foreign_key;  ///< the stored name of the key (on the owner for belongsTo, else on the target)
  std::string_view primary_key;  ///< the stored name of the property the key references
  std::string_view default_id;   ///< what LoopBack references when a file leaves primaryKey out
  std::string default_key;       ///< what LoopBack takes as the key when a file leaves foreignKey out
};

struct compiled_definition {
  std::string_view name;
  std::span<const property_info> properties;
  std::vector<compiled_relation> relations;
  bool injected_id;
};

template <class M>
constexpr std::string_view id_name_or_default() noexcept {
  // LoopBack's keyTo: `primaryKey || idName(target) || 'id'`.
  if constexpr (has_id<M>) return property_name<M, id_index<M>>;
  else return "id";
}

/// The stored name of property `index` of M.
template <class M>
std::string_view property_name_at(std::size_t index) noexcept {
  return tether::properties<M>()[index].name;
}

template <class M>
compiled_definition compiled_definition_of() {
  using stored = persisted<M>;
  static_assert(model_checked<stored>);
  compiled_definition compiled{model_name<stored>, tether::properties<stored>(), {}, injects_id<stored>::value};
  for_each_property<stored>([&](auto i) {
    if constexpr (is_foreign_key<stored, i>) {
      using link = reference<stored, i>;
      using target = typename link::target;
      compiled.relations.push_back({"belongsTo", member_name<stored, stored_member<stored, i>>, model_name<target>,
                                    property_name<stored, i>, property_name<target, link::target_property>,
                                    id_name_or_default<target>(), std::string(member_name<stored, stored_member<stored, i>>) + "Id"});
    }
  });
  // LoopBack's hasMany and hasOne: keyFrom is `primaryKey || idName(owner)`, keyTo `foreignKey ||
  // camelize(owner model name + "_id")`.
  for (const reflection_info& r : model_info_of<stored>().reflections()) {
    const model_info& target = r.target();
    compiled.relations.push_back({r.many ? "hasMany" : "hasOne", r.name, target.name(),
                                  target.property(r.foreign_key).name, property_name_at<stored>(r.referenced),
                                  id_name_or_default<stored>(), std::string(foreign_key_for<stored>)});
  }
  return compiled;
}

TETHER_DECL std::string loopback_type(value_kind kind);

inline bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

/// A file's value in a sentence. Containers are named, not printed: a fuzzed file may nest them deeply enough
/// for a recursive dump to overflow the stack. Invalid UTF-8 is replaced rather than thrown on.
inline std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

inline std::string describe_relation(const compiled_relation& relation) {
  return "a " + std::string(relation.type) + " relation to " + std::string(relation.model) + " (foreignKey " + in_quotes(relation.foreign_key) +
         ", primaryKey " + in_quotes(relation.primary_key) + ")";
}

/// A template over the JSON type (always nlohmann::json) so that a program that verifies no definition compiles
/// none of it, nor the parser.
template <class Json>
class definition_check {
public:
  explicit definition_check(const compiled_definition& model) : model_(model) {}

  std::vector<std::string> run(const Json& file) {
    if (!file.is_object()) {
      throw validation_error("tether: a LoopBack definition of " + std::string(model_.name) +
                             " must be a JSON object, got " + describe_json(file));
    }
    check_name(file);
    check_properties(file);
    check_relations(file);
    return std::move(disagreements_);
  }

private:
  void disagree(const std::string& path, const std::string& file_says, const std::string& model_says,
                const std::string& remedy = {}) {
    disagreements_.push_back(std::string(model_.name) + path + ": the file says " + file_says + ", the model says " +
                             model_says + remedy);
  }

  // A key the file leaves out (or sets to null, which JavaScript's `||` treats alike).
  static const Json* member(const Json& object, const char* key) {
    const auto found = object.find(key);
    return found == object.end() || found->is_null() ? nullptr : &*found;
  }

  void check_name(const Json& file) {
    // LoopBack cannot register a definition without a name, so a missing one is a disagreement too.
    const auto* name = member(file, "name");
    if (name != nullptr && name->is_string() && name->template get_ref<const std::string&>() == model_.name) return;
    disagree(".name", name == nullptr ? "nothing" : describe_json(*name), in_quotes(model_.name));
  }

  void check_properties(const Json& file) {
    const auto* properties = member(file, "properties");
    if (properties == nullptr) return;
    if (!properties->is_object()) {
      return disagree(".properties", describe_json(*properties), "an object of properties");
    }
    for (const auto& [name, declared] : properties->items()) check_property(name, declared);
  }

  void check_property(const std::string& name, const Json& declared) {
    // LoopBack's two spellings: the shorthand `"name": "string"` and `"name": {"type": "string", ...}`.
    const Json* type = &declared;
    if (declared.is_object()) type = member(declared, "type");
    const property_info* compiled = find_property(name);
    if (compiled == nullptr) {
      return disagree(".properties." + name, describe_json(type == nullptr ? declared : *type),
                      "nothing (it has no property \"" + name + "\")");
    }
    const std::string file_says = type == nullptr ? "nothing" : describe_json(*type);
    const std::string expected = loopback_type(compiled->kind);
    // An object property without a type is a nested anonymous model to LoopBack: no match for any compiled type.
    if (type != nullptr && type->is_string() && agrees_on_type(type->template get_ref<const std::string&>(), *compiled)) return;
    disagree(".properties." + name + ".type", file_says, in_quotes(expected));
  }

  static bool agrees_on_type(std::string_view file_type, const property_info& compiled) {
    // Type names are matched case-insensitively, as LoopBack resolves "String" and "string" alike.
    if (equal_ignoring_case(file_type, loopback_type(compiled.kind))) return true;
    // nlohmann::json holds any value, which LoopBack's "any" describes as well as "object".
    return compiled.kind == value_kind::json && equal_ignoring_case(file_type, "any");
  }

  const property_info* find_property(std::string_view name) const noexcept {
    for (const auto& property : model_.properties) {
      if (property.name == name) return &property;
    }
    return nullptr;
  }

  const compiled_relation* find_relation(std::string_view name) const noexcept {
    for (const auto& relation : model_.relations) {
      if (relation.name == name) return &relation;
    }
    return nullptr;
  }

  void check_relations(const Json& file) {
    const auto* relations = member(file, "relations");
    if (relations != nullptr && !relations->is_object()) {
      return disagree(".relations", describe_json(*relations), "an object of relations");
    }
    if (relations != nullptr) {
      for (const auto& [name, declared] : relations->items()) check_relation(name, declared);
    }
    for (const auto& relation : model_.relations) {
      if (relations == nullptr || !relations->contains(std::string(relation.name))) {
        disagree(".relations." + std::string(relation.name), "nothing", describe_relation(relation));
      }
    }
  }

  void check_relation(const std::string& name, const Json& declared) {
    const std::string path = ".relations." + name;
    const compiled_relation* compiled = find_relation(name);
    if (compiled == nullptr) {
      return disagree(path, declared.is_object() ? describe_declared_relation(declared) : describe_json(declared),
                      "nothing (it has no relation \"" + name + "\")");
    }
    if (!declared.is_object()) return disagree(path, describe_json(declared), describe_relation(*compiled));

    const auto* type = member(declared, "type");
    if (type == nullptr || !type->is_string() || type->template get_ref<const std::string&>() != compiled->type) {
      // The other keys mean other things in other relation types; comparing them would only add noise.
      return disagree(path + ".type", type == nullptr ? "nothing" : describe_json(*type), in_quotes(compiled->type));
    }
    const auto* model = member(declared, "model");
    // LoopBack looks the target model up case-insensitively.
    if (model == nullptr || !model->is_string() || !equal_ignoring_case(model->template get_ref<const std::string&>(), compiled->model)) {
      disagree(path + ".model", model == nullptr ? "nothing" : describe_json(*model), in_quotes(compiled->model));
    }
    // A belongsTo's default key comes from its relation name, a hasMany's or hasOne's from the declaring model's
    // name: only the latter can differ from the belongs_to it reflects while the file looks right.
    const std::string remedy =
        compiled->type == "belongsTo"
            ? std::string()
            : "; write \"foreignKey\": " + in_quotes(compiled->foreign_key) + ": LoopBack's default " +
                  std::string(compiled->type) + " key comes from the model's name, not from the belongs_to it reflects";
    check_key(path + ".foreignKey", member(declared, "foreignKey"), compiled->default_key, compiled->foreign_key,
              remedy);
    check_key(path + ".primaryKey", member(declared, "primaryKey"), compiled->default_id, compiled->primary_key);
  }

  // A key left out or "" means LoopBack's default; the sentence says which default that was, and `remedy` how to
  // agree when the default is wrong.
  void check_key(const std::string& path, const Json* key, std::string_view loopback_default,
                 std::string_view compiled, const std::string& remedy = {}) {
    const bool defaulted = key == nullptr || (key->is_string() && key->template get_ref<const std::string&>().empty());
    if (defaulted) {
      if (loopback_default != compiled) {
        disagree(path, "nothing, which LoopBack reads as " + in_quotes(loopback_default), in_quotes(compiled), remedy);
      }
    } else if (!key->is_string() || key->template get_ref<const std::string&>() != compiled) {
      disagree(path, describe_json(*key), in_quotes(compiled));
    }
  }

  static std::string describe_declared_relation(const Json& declared) {
    const auto* type = member(declared, "type");
    const auto* model = member(declared, "model");
    std::string text = "a " + (type == nullptr ? std::string("typeless") : describe_json(*type)) + " relation";
    if (model != nullptr) text += " to " + describe_json(*model);
    return text;
  }

  const compiled_definition& model_;
  std::vector<std::string> disagreements_;
};

template <class Json>
Json parse_definition(std::string_view text, std::string_view model) {
  try {
    // LoopBack's own definition files carry // and /* */ comments; nlohmann skips them when asked.
    return Json::parse(text, nullptr, true, true);
  } catch (const nlohmann::json::exception& e) {
    throw validation_error("tether: the LoopBack definition given for " + std::string(model) + " is not JSON: " +
                           e.what());
  }
}

}  // namespace detail

/// @brief The LoopBack model-definition JSON of M (or of `with_id<M>` for a model without id): name, base,
/// idInjection, properties by stored name (a belongsTo contributes its foreign key), and relations: belongsTo,
/// and hasMany / hasOne for each has_many / has_one, with the key of the belongs_to it reflects.
template <model M>
[[nodiscard]] nlohmann::json model_definition() {
  const detail::compiled_definition compiled = detail::compiled_definition_of<M>();
  nlohmann::json properties = nlohmann::json::object();
  for (const property_info& p : compiled.properties) {
    if (p.is_id && compiled.injected_id) continue;  // LoopBack injects it itself
    nlohmann::json property{{"type", detail::loopback_type(p.kind)}};
    if (p.is_id) property["id"] = true;
    if (p.generated) property["generated"] = true;
    if (!p.nullable && !p.generated) property["required"] = true;
    properties[std::string(p.name)] = std::move(property);
  }
  nlohmann::json relations = nlohmann::json::object();
  for (const auto& r : compiled.relations) {
    nlohmann::json relation{{"type", std::string(r.type)},
                            {"model", std::string(r.model)},
                            {"foreignKey", std::string(r.foreign_key)}};
    // A reflection writes primaryKey only when it is not the owner's id, LoopBack's default for hasMany/hasOne.
    if (r.type == "belongsTo" || r.primary_key != r.default_id) relation["primaryKey"] = std::string(r.primary_key);
    relations[std::string(r.name)] = std::move(relation);
  }
  return {{"name", std::string(compiled.name)},
          {"base", "PersistedModel"},
          {"idInjection", compiled.injected_id},
          {"properties", std::move(properties)},
          {"relations", std::move(relations)}};
}

/// @brief Where a LoopBack definition disagrees with M, one sentence each (model, property or relation, the
/// file's value, the model's value); empty when it agrees. Compared: `name`; each declared property's type;
/// each relation's type, model, foreignKey and primaryKey (left out or "" means LoopBack's default); and every
/// relation of M, which the file must declare. Properties the file leaves out are not disagreements.
/// @throws validation_error when `definition` is not a JSON object.
template <model M>
[[nodiscard]] std::vector<std::string> verify_definition(const nlohmann::json& definition) {
  const detail::compiled_definition compiled = detail::compiled_definition_of<M>();
  return detail::definition_check<nlohmann::json>(compiled).run(definition);
}

/// @brief verify_definition of a definition file's text, which may carry comments as LoopBack's files do.
/// @throws validation_error when the text is not JSON or not a JSON object.
template <model M, class Text>
  requires(std::is_convertible_v<const Text&, std::string_view> && !std::is_same_v<Text, nlohmann::json>)
[[nodiscard]] std::vector<std::string> verify_definition(const Text& text) {
  return verify_definition<M>(detail::parse_definition<nlohmann::json>(text, model_name<persisted<M>>));
}

}  // namespace tether

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/impl/definition.ipp>
#endif

#endif
