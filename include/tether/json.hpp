#ifndef TETHER_JSON_HPP
#define TETHER_JSON_HPP

/// @file
/// Instances to and from JSON with nlohmann/json, for every model, through its Hana descriptor.
///
/// tether provides `nlohmann::adl_serializer<M>` for every model M; it takes precedence over a `to_json` or
/// `from_json` the model declares itself. A belongsTo writes its key as `"customerId"` and, once loaded, its
/// target as `"customer": {...}` (or `null` when no row matched). Reading `"customer": {...}` fills the cache.
/// Dates are ISO-8601 UTC with milliseconds. Malformed input throws `tether::validation_error` naming the
/// model, the property and the value.

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

#include <tether/belongs_to.hpp>
#include <tether/detail/describe_json.hpp>
#include <tether/detail/time.hpp>
#include <tether/error.hpp>
#include <tether/model.hpp>

namespace tether::detail {

template <class V>
nlohmann::json write_value(const V& v) {
  if constexpr (is_optional<V>::value) {
    return v ? write_value(*v) : nlohmann::json(nullptr);
  } else if constexpr (std::is_same_v<V, time_point>) {
    return format_iso8601(v);
  } else {
    return nlohmann::json(v);
  }
}

template <class V>
V read_value(const nlohmann::json& j, std::string_view model, std::string_view property) {
  auto refuse = [&](const char* expected) -> V {
    throw validation_error("tether: " + std::string(model) + "." + std::string(property) + " expects " + expected +
                           ", got " + describe_json(j));
  };
  if constexpr (is_optional<V>::value) {
    if (j.is_null()) return std::nullopt;
    return read_value<typename V::value_type>(j, model, property);
  } else if constexpr (std::is_same_v<V, bool>) {
    if (!j.is_boolean()) return refuse("a boolean");
    return j.get<bool>();
  } else if constexpr (std::is_integral_v<V>) {
    if (j.is_number_unsigned()) {
      const auto u = j.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<V>::max())) return refuse("an integer in range");
      return static_cast<V>(u);
    }
    if (!j.is_number_integer()) return refuse("an integer");
    const auto i = j.get<std::int64_t>();
    if constexpr (std::is_signed_v<V>) {
      if (i < std::numeric_limits<V>::min() || i > std::numeric_limits<V>::max()) return refuse("an integer in range");
    } else {
      if (i < 0) return refuse("a non-negative integer");
      if (static_cast<std::uint64_t>(i) > std::numeric_limits<V>::max()) return refuse("an integer in range");
    }
    return static_cast<V>(i);
  } else if constexpr (std::is_floating_point_v<V>) {
    if (!j.is_number()) return refuse("a number");
    return j.get<V>();
  } else if constexpr (std::is_same_v<V, std::string>) {
    if (!j.is_string()) return refuse("a string");
    return j.get<std::string>();
  } else if constexpr (std::is_same_v<V, time_point>) {
    if (!j.is_string()) return refuse("a date (ISO-8601 string)");
    auto t = parse_iso8601(j.get_ref<const std::string&>());
    if (!t) return refuse("a date (ISO-8601 string)");
    return *t;
  } else {
    static_assert(std::is_same_v<V, nlohmann::json>);
    return j;
  }
}

template <class M>
void write_json(nlohmann::json& j, const M& instance) {
  static_assert(model_checked<M>);
  j = nlohmann::json::object();
  for_each_property<M>([&](auto i) {
    j[std::string(property_name<M, i>)] = write_value(get_property<i>(instance));
    if constexpr (is_foreign_key<M, i>) {
      const auto& relation = member_of<const M, i>(instance);
      if (relation.loaded()) {
        const auto target = relation();
        j[std::string(member_name<M, i>)] = target ? nlohmann::json(*target) : nlohmann::json(nullptr);
      }
    }
  });
}

template <class M>
void read_json(const nlohmann::json& j, M& instance) {
  static_assert(model_checked<M>);
  if (!j.is_object()) {
    throw validation_error("tether: " + std::string(model_name<M>) + " expects a JSON object, got " + describe_json(j));
  }
  for_each_property<M>([&](auto i) {
    using T = property_type<M, i>;
    const std::string name(property_name<M, i>);
    const auto found = j.find(name);
    if (found != j.end()) {
      set_property<i>(instance, read_value<T>(*found, model_name<M>, name));
    } else {
      constexpr bool is_id = [] {
        if constexpr (has_id<M>) return decltype(i)::value == id_index<M>;
        else return false;
      }();
      if constexpr (!is_optional<T>::value && !is_id) {
        throw validation_error("tether: " + std::string(model_name<M>) + "." + name +
                               " is required and missing from the JSON");
      } else {
        set_property<i>(instance, T{});
      }
    }
    if constexpr (is_foreign_key<M, i>) {
      auto& relation = member_of<M, i>(instance);
      using relation_type = std::remove_cvref_t<decltype(relation)>;
      using target_type = typename relation_type::target_type;
      const auto embedded = j.find(std::string(member_name<M, i>));
      if (embedded == j.end()) return;
      if (embedded->is_null()) return relation_access::cache(relation, nullptr);
      auto target = std::make_shared<target_type>(embedded->template get<target_type>());
      const auto& target_key = get_property<relation_type::referenced_property()>(*target);
      const auto linked = read_value<std::optional<typename relation_type::key_type>>(
          write_value(target_key), model_name<M>, member_name<M, i>);
      if (found != j.end() && relation.key() != linked) {
        throw validation_error("tether: " + std::string(model_name<M>) + "." + name + " is " +
                               describe_json(*found) + " but the embedded " + std::string(member_name<M, i>) +
                               " has " + std::string(property_name<target_type, relation_type::referenced_property()>) +
                               " " + describe_json(write_value(target_key)));
      }
      relation = linked;
      relation_access::cache(relation, std::move(target));
    }
  });
}

}  // namespace tether::detail

namespace nlohmann {

/// JSON for every tether model (it takes precedence over a model's own to_json/from_json).
template <tether::model M>
struct adl_serializer<M, void> {
  static void to_json(json& j, const M& instance) { tether::detail::write_json(j, instance); }
  static void from_json(const json& j, M& instance) { tether::detail::read_json(j, instance); }
};

}  // namespace nlohmann

#endif
