#ifndef TETHER_MODEL_INFO_HPP
#define TETHER_MODEL_INFO_HPP

/// @file
/// A model at run time: its name, its stored properties (where each lives in a row and how to read and write
/// it), its relations, and how to make, copy and destroy a row. Built once per model from its Hana descriptor
/// (model.hpp) on first use. Everything that works on rows without knowing their C++ type, the connectors,
/// filters, include, integrity and JSON, reads this table, so that code is compiled once and not once per model:
/// a model costs a table, not a copy of the engine.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <tether/detail/json_value.hpp>
#include <tether/fwd.hpp>
#include <tether/model.hpp>
#include <tether/value.hpp>

namespace tether {

class model_info;

namespace detail {

class source;

/// A datasource's number. 32 bits keep belongs_to small; numbers are not reused before 2^32 - 1 datasources.
using source_id = std::uint32_t;

/// The datasource a model was last attached to by automigrate/autoupdate, process-wide and weak: destroying the
/// datasource detaches it.
class attachment {
public:
  void attach(const std::shared_ptr<source>& s) {
    std::lock_guard lock(mutex_);
    slot_ = s;
  }
  void detach(const source* s) {
    std::lock_guard lock(mutex_);
    if (slot_.lock().get() == s) slot_.reset();
  }
  [[nodiscard]] std::shared_ptr<source> get() const {
    std::lock_guard lock(mutex_);
    return slot_.lock();
  }

private:
  mutable std::mutex mutex_;
  std::weak_ptr<source> slot_;
};

}  // namespace detail

/// @brief How code that does not know a property's C++ type reads and writes one stored value, given the
/// address of its member in a row. One table per C++ type; a foreign key's table reads the key of its
/// belongs_to member and writes through the relation (so a cached target that no longer matches is dropped).
///
/// Values travel as `tether::value` of the property's kind: integers of every width as `std::int64_t`, floating
/// point as `double`, and null for an empty `std::optional`. Strings can be read without a copy (`text`), JSON
/// properties only through `json`/`set_json`.
struct value_ops {
  value_kind kind;
  bool nullable;
  /// False for an empty std::optional (a null key); always true for a plain property.
  bool (*has_value)(const void* member) noexcept;
  /// An integer property's value, without a variant in between (keys are read this way row after row); false
  /// when it is empty, and for other kinds.
  bool (*as_integer)(const void* member, std::int64_t& out) noexcept;
  /// The value (null when empty). A JSON property reads as null here; see `json`.
  value (*get)(const void* member);
  /// Writes `v`, which holds the property's kind or null; null value-initialises (nullopt, 0, "", ...).
  void (*set)(void* member, value&& v);
  /// A string property's text, without a copy; null when empty (and for other kinds).
  const std::string* (*text)(const void* member) noexcept;
  /// A JSON property's document; null when empty (and for other kinds).
  const nlohmann::json* (*json)(const void* member) noexcept;
  /// Writes a JSON property.
  void (*set_json)(void* member, nlohmann::json&& v);
  /// The value in an instance's JSON (dates as ISO-8601).
  nlohmann::json (*to_json)(const void* member);
  /// Reads the value from an instance's JSON; `validation_error` naming model and property when it does not fit.
  void (*from_json)(void* member, const nlohmann::json& j, std::string_view model, std::string_view property);
};

/// @brief What a foreign key refers to.
struct relation_info {
  std::string_view name;                ///< the member name, LoopBack's relation name ("customer")
  const model_info& (*target)();        ///< the target model (a function: it may be incomplete where M is declared)
  std::size_t target_property;          ///< the target property the key references (its id unless primary_key)
  delete_action on_delete;              ///< what removing a referenced target does
  bool enforced;                        ///< false for no_constraint: no integrity at all
};

/// @brief How to make and walk the cached answer of a has_many: a `std::vector` of the target's rows.
struct many_rows_ops {
  /// A shared `std::vector` of `count` value-initialised rows, and where its first row is (rows are
  /// `target.row().size` apart).
  std::shared_ptr<void> (*make)(std::size_t count, void*& first);
  /// The rows of such a vector: where the first is, and how many.
  std::pair<void*, std::size_t> (*rows)(const void* vector) noexcept;
};

/// @brief A has_many or has_one member: which belongs_to of which model it reflects, and where it lives.
/// Not a property: no column, not a name for `where`, `order` or `fields`; a relation name for include and JSON.
struct reflection_info {
  std::string_view name;                ///< the member name ("orders")
  bool many;                            ///< has_many (a vector of rows) or has_one (one row or none)
  const model_info& (*target)();        ///< the reflected model (a function: it may be incomplete where declared)
  const model_info& (*owner)();         ///< the model that declares the member
  std::size_t foreign_key;              ///< the target's property that holds the key (`Order.customerId`)
  std::size_t referenced;               ///< the owner's property that the key references (its id, or primary_key)
  std::size_t offset = 0;               ///< of the member in an owner row
  std::size_t core_offset = 0;          ///< where the reflection's cache lives in its member
  const many_rows_ops* rows = nullptr;  ///< has_many only
};

/// @brief One stored property: its row of the property table (model.hpp), where it lives and how to use it.
struct stored_property : property_info {
  std::size_t offset = 0;                 ///< of the member in a row; for a foreign key, of the belongs_to member
  const value_ops* ops = nullptr;
  const relation_info* relation = nullptr;  ///< for a foreign key; null otherwise
  std::size_t core_offset = 0;  ///< for a foreign key: where the relation's cache lives in its member (not for connectors)
};

/// @brief How to make, copy and destroy a row of one model (the row's C++ special members).
struct row_ops {
  std::size_t size;
  std::size_t align;
  void (*construct)(void* at);                       ///< value-initialised, `M{}`
  void (*copy_construct)(void* at, const void* from);
  void (*copy_assign)(void* to, const void* from);
  void (*move_assign)(void* to, void* from);
  void (*destroy)(void* at) noexcept;
  std::shared_ptr<void> (*make_shared)();            ///< a value-initialised row of its own
};

/// @brief A model at run time (see the file comment). Obtained with `tether::model_info_of<M>()`; one object per
/// model for the life of the program, so its address identifies the model.
class model_info {
public:
  model_info(std::string_view name, std::size_t id, row_ops row, std::vector<stored_property> properties,
             std::vector<reflection_info> reflections = {})
      : name_(name), id_(id), row_(row), properties_(std::move(properties)), reflections_(std::move(reflections)) {
    for (const auto& p : properties_) has_relations_ = has_relations_ || p.relation != nullptr;
  }
  model_info(const model_info&) = delete;
  model_info& operator=(const model_info&) = delete;

  /// @brief The model name (`Order`), also its table's name.
  [[nodiscard]] std::string_view name() const noexcept { return name_; }
  /// @brief The stored properties, in declaration order (a belongsTo member is its foreign key).
  [[nodiscard]] std::span<const stored_property> properties() const noexcept { return properties_; }
  [[nodiscard]] const stored_property& property(std::size_t index) const noexcept { return properties_[index]; }
  /// @brief True when the model has an id (every model a datasource stores does: `persisted<M>`).
  [[nodiscard]] bool has_id() const noexcept { return id_ < properties_.size(); }
  /// @brief The index of the id property (the model must have one).
  [[nodiscard]] std::size_t id_index() const noexcept { return id_; }
  [[nodiscard]] const stored_property& id() const noexcept { return properties_[id_]; }
  /// @brief The index of the property stored as `name`, or nullopt.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < properties_.size(); ++i)
      if (properties_[i].name == name) return i;
    return std::nullopt;
  }
  [[nodiscard]] const row_ops& row() const noexcept { return row_; }
  /// @brief True when the model has a foreign key (a belongsTo).
  [[nodiscard]] bool has_relations() const noexcept { return has_relations_; }

  /// @brief The has_many and has_one members, in declaration order.
  [[nodiscard]] std::span<const reflection_info> reflections() const noexcept { return reflections_; }
  [[nodiscard]] const reflection_info& reflection(std::size_t index) const noexcept { return reflections_[index]; }
  /// @brief The index of the reflection named `name`, or nullopt.
  [[nodiscard]] std::optional<std::size_t> find_reflection(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < reflections_.size(); ++i)
      if (reflections_[i].name == name) return i;
    return std::nullopt;
  }
  /// @brief The member of reflection `index` in `row`.
  [[nodiscard]] void* reflection_member(void* row, std::size_t index) const noexcept {
    return static_cast<char*>(row) + reflections_[index].offset;
  }
  [[nodiscard]] const void* reflection_member(const void* row, std::size_t index) const noexcept {
    return static_cast<const char*>(row) + reflections_[index].offset;
  }

  /// @brief The member of property `index` in `row`.
  [[nodiscard]] void* member(void* row, std::size_t index) const noexcept {
    return static_cast<char*>(row) + properties_[index].offset;
  }
  [[nodiscard]] const void* member(const void* row, std::size_t index) const noexcept {
    return static_cast<const char*>(row) + properties_[index].offset;
  }
  /// @brief Property `index` of `row` as a value (a copy for strings).
  [[nodiscard]] value get(const void* row, std::size_t index) const {
    return properties_[index].ops->get(member(row, index));
  }
  /// @brief Writes property `index` of `row`.
  void set(void* row, std::size_t index, value v) const { properties_[index].ops->set(member(row, index), std::move(v)); }

  /// @brief Process-wide: the datasource this model was last attached to (automigrate, autoupdate).
  detail::attachment& attached() const noexcept { return attachment_; }

private:
  std::string_view name_;
  std::size_t id_;
  row_ops row_;
  std::vector<stored_property> properties_;
  std::vector<reflection_info> reflections_;
  bool has_relations_ = false;
  mutable detail::attachment attachment_;
};

namespace detail {

template <class V>
value plain_to_value(const V& v) {
  if constexpr (std::is_same_v<V, bool>) return v;
  else if constexpr (std::is_integral_v<V>) return static_cast<std::int64_t>(v);
  else if constexpr (std::is_floating_point_v<V>) return static_cast<double>(v);
  else if constexpr (std::is_same_v<V, std::string> || std::is_same_v<V, time_point>) return v;
  else return nullptr;  // JSON documents travel through value_ops::json
}

/// A value of the kind of plain type V (see value_ops::set) as V; integers and reals accept each other.
template <class V>
V plain_from_value(value&& v) {
  if constexpr (std::is_same_v<V, bool>) {
    if (const auto* b = std::get_if<bool>(&v)) return *b;
  } else if constexpr (std::is_integral_v<V>) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<V>(*i);
    if (const auto* d = std::get_if<double>(&v)) return static_cast<V>(*d);
  } else if constexpr (std::is_floating_point_v<V>) {
    if (const auto* d = std::get_if<double>(&v)) return static_cast<V>(*d);
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<V>(*i);
  } else if constexpr (std::is_same_v<V, std::string>) {
    if (auto* s = std::get_if<std::string>(&v)) return std::move(*s);
  } else if constexpr (std::is_same_v<V, time_point>) {
    if (const auto* t = std::get_if<time_point>(&v)) return *t;
  }
  return V{};
}

/// The value_ops of a property of type T (plain, or std::optional of a plain type).
template <class T>
struct plain_value_ops {
  using V = strip_optional_t<T>;

  static const V* present(const void* member) noexcept {
    const T& stored = *static_cast<const T*>(member);
    if constexpr (is_optional<T>::value) return stored ? &*stored : nullptr;
    else return &stored;
  }
  static bool has_value(const void* member) noexcept { return present(member) != nullptr; }
  static bool as_integer(const void* member, std::int64_t& out) noexcept {
    if constexpr (integer_value<V>) {
      const V* v = present(member);
      if (v != nullptr) out = static_cast<std::int64_t>(*v);
      return v != nullptr;
    } else {
      return false;
    }
  }
  static value get(const void* member) {
    const V* v = present(member);
    return v == nullptr ? value{nullptr} : plain_to_value(*v);
  }
  static void set(void* member, value&& v) {
    T& stored = *static_cast<T*>(member);
    if (std::holds_alternative<std::nullptr_t>(v)) stored = T{};
    else stored = plain_from_value<V>(std::move(v));
  }
  static const std::string* text(const void* member) noexcept {
    if constexpr (std::is_same_v<V, std::string>) return present(member);
    else return nullptr;
  }
  static const nlohmann::json* json(const void* member) noexcept {
    if constexpr (std::is_same_v<V, nlohmann::json>) return present(member);
    else return nullptr;
  }
  static void set_json(void* member, nlohmann::json&& v) {
    if constexpr (std::is_same_v<V, nlohmann::json>) *static_cast<T*>(member) = std::move(v);
  }
  static nlohmann::json to_json(const void* member) { return write_value(*static_cast<const T*>(member)); }
  static void from_json(void* member, const nlohmann::json& j, std::string_view model, std::string_view property) {
    *static_cast<T*>(member) = read_value<T>(j, model, property);
  }

  static constexpr value_ops table{kind_of<T>(), is_optional<T>::value, has_value, as_integer, get, set, text, json,
                                   set_json, to_json, from_json};
};

template <class M>
struct row_ops_of {
  static constexpr row_ops table{
      sizeof(M),
      alignof(M),
      [](void* at) { ::new (at) M{}; },
      [](void* at, const void* from) { ::new (at) M(*static_cast<const M*>(from)); },
      [](void* to, const void* from) { *static_cast<M*>(to) = *static_cast<const M*>(from); },
      [](void* to, void* from) { *static_cast<M*>(to) = std::move(*static_cast<M*>(from)); },
      [](void* at) noexcept { static_cast<M*>(at)->~M(); },
      []() -> std::shared_ptr<void> { return std::make_shared<M>(); }};
};

template <class M>
const model_info& model_info_of_type();

/// The value_ops of a belongs_to type's key, and where its cache lives (belongs_to.hpp).
template <class Relation>
struct erased_relation;

/// What a has_many or has_one type tells code that does not know it (has_many.hpp, has_one.hpp): where its
/// cache lives, and for has_many how its vector is made.
template <class Reflection>
struct erased_reflection;

/// The relation_info of foreign key I of M (a constant: no code runs to make it).
template <class M, std::size_t I>
struct relation_info_of {
  using relation = member_type<M, stored_member<M, I>>;
  using target = typename relation::target_type;
  static constexpr relation_info value{member_name<M, stored_member<M, I>>,
                                       &model_info_of_type<target>,
                                       relation::referenced_property(),
                                       relation::delete_rule,
                                       relation::enforced};
};

/// Stored property I of M, its offset read off `probe`: the Hana accessors give members, not offsets.
template <class M, std::size_t I>
stored_property describe_property(const M& probe) {
  constexpr std::size_t at = stored_member<M, I>;
  using member = member_type<M, at>;
  stored_property p;
  static_cast<property_info&>(p) = property_table_of<M>::value[I];
  p.offset = static_cast<std::size_t>(reinterpret_cast<const char*>(&member_of<const M, at>(probe)) -
                                      reinterpret_cast<const char*>(&probe));
  if constexpr (relation_member<member>) {
    p.ops = &erased_relation<member>::key_ops;
    p.relation = &relation_info_of<M, I>::value;
    p.core_offset = erased_relation<member>::core_offset(member_of<const M, at>(probe));
  } else {
    p.ops = &plain_value_ops<member>::table;
  }
  return p;
}

template <class M, std::size_t... I>
std::vector<stored_property> describe_properties(const M& probe, std::index_sequence<I...>) {
  return {describe_property<M, I>(probe)...};
}

/// Reflection J of M, its offsets read off `probe`.
template <class M, std::size_t J>
reflection_info describe_reflection(const M& probe) {
  constexpr std::size_t at = member_layout<M>::reflections[J];
  using member = member_type<M, at>;
  using erased = erased_reflection<member>;
  const auto& instance = member_of<const M, at>(probe);
  reflection_info r{member_name<M, at>,
                    member::many,
                    &model_info_of_type<persisted<typename member::declared_target>>,
                    &model_info_of_type<M>,
                    member::template reflected_key<M>(),
                    member::template referenced_property<M>()};
  r.offset = static_cast<std::size_t>(reinterpret_cast<const char*>(&instance) - reinterpret_cast<const char*>(&probe));
  r.core_offset = erased::core_offset(instance);
  if constexpr (member::many) r.rows = &erased::rows;
  return r;
}

template <class M, std::size_t... J>
std::vector<reflection_info> describe_reflections(const M& probe, std::index_sequence<J...>) {
  return {describe_reflection<M, J>(probe)...};
}

template <class M>
model_info describe_model() {
  const M probe{};
  return model_info(model_name<M>, id_index_of<M>(), row_ops_of<M>::table,
                    describe_properties<M>(probe, std::make_index_sequence<property_count<M>>{}),
                    describe_reflections<M>(probe, std::make_index_sequence<member_layout<M>::reflection_count>{}));
}

template <class M>
const model_info& model_info_of_type() {
  static const model_info info = describe_model<M>();
  return info;
}

}  // namespace detail

/// @brief The run-time description of model M (see the file comment). Only models with an id (`persisted<M>`)
/// have rows in a store; any model has JSON.
template <model M>
[[nodiscard]] const model_info& model_info_of() {
  static_assert(model_checked<M>);
  return detail::model_info_of_type<M>();
}

}  // namespace tether

#endif
