#ifndef TETHER_MODEL_HPP
#define TETHER_MODEL_HPP

/// @file
/// What a model is: a struct described with BOOST_HANA_DEFINE_STRUCT (or BOOST_HANA_ADAPT_STRUCT). From that
/// descriptor this header derives, at compile time, the model name, the id property and the stored properties
/// (a belongsTo member is stored as its foreign key). Connectors read and write rows through
/// `get_property`/`set_property` and never see a relation.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/hana/accessors.hpp>
#include <boost/hana/adapt_struct.hpp>
#include <boost/hana/concept/struct.hpp>
#include <boost/hana/define_struct.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/prepend.hpp>
#include <boost/hana/string.hpp>
#include <boost/hana/tuple.hpp>
#include <nlohmann/json_fwd.hpp>

#include <tether/detail/fixed_string.hpp>
#include <tether/detail/type_name.hpp>

namespace tether {

/// @brief A struct described with Boost.Hana (BOOST_HANA_DEFINE_STRUCT or BOOST_HANA_ADAPT_STRUCT).
template <class T>
concept model = std::is_class_v<T> && boost::hana::Struct<T>::value;

/// @brief The time type of date properties.
using time_point = std::chrono::system_clock::time_point;

/// @brief How a property's value is stored, whatever its C++ integer or floating-point width.
enum class value_kind { integer, real, boolean, string, time, json };

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct strip_optional {
  using type = T;
};
template <class T>
struct strip_optional<std::optional<T>> {
  using type = T;
};
template <class T>
using strip_optional_t = typename strip_optional<T>::type;

/// A member that is a relation (belongs_to) rather than a plain property.
template <class T>
concept relation_member = requires { typename T::tether_relation; };

/// A member that reflects a belongs_to of another model (has_many, has_one): no property at all.
template <class T>
concept reflection_member = requires { typename T::tether_reflection; };

template <class T>
concept integer_value = std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> &&
                        !std::is_same_v<T, char8_t> && !std::is_same_v<T, char16_t> && !std::is_same_v<T, char32_t> &&
                        !std::is_same_v<T, wchar_t>;

template <class T>
concept plain_value = integer_value<T> || std::is_floating_point_v<T> || std::is_same_v<T, bool> ||
                      std::is_same_v<T, std::string> || std::is_same_v<T, time_point> ||
                      std::is_same_v<T, nlohmann::json>;

/// A type a property may have: a plain value or std::optional of one.
template <class T>
concept property_value = plain_value<strip_optional_t<T>>;

template <class T>
constexpr value_kind kind_of() noexcept {
  using V = strip_optional_t<T>;
  if constexpr (std::is_same_v<V, bool>) return value_kind::boolean;
  else if constexpr (integer_value<V>) return value_kind::integer;
  else if constexpr (std::is_floating_point_v<V>) return value_kind::real;
  else if constexpr (std::is_same_v<V, std::string>) return value_kind::string;
  else if constexpr (std::is_same_v<V, time_point>) return value_kind::time;
  else return value_kind::json;
}

template <class... T>
struct type_list {};

/// Picks the I-th type of a pack by overload resolution: one instantiation per pack, not one per index.
template <std::size_t I, class T>
struct indexed_type {
  using type = T;
};
template <class Indexes, class... T>
struct type_indexer;
template <std::size_t... I, class... T>
struct type_indexer<std::index_sequence<I...>, T...> : indexed_type<I, T>... {};
template <std::size_t I, class T>
indexed_type<I, T> select_type(const indexed_type<I, T>&);

template <std::size_t I, class List>
struct type_at_impl;
template <std::size_t I, class... T>
struct type_at_impl<I, type_list<T...>> {
  using type = typename decltype(select_type<I>(type_indexer<std::index_sequence_for<T...>, T...>{}))::type;
};
template <std::size_t I, class List>
using type_at = typename type_at_impl<I, List>::type;

/// A hana::string as a string_view with static storage.
template <class S>
struct hana_string_chars;
template <char... C>
struct hana_string_chars<boost::hana::string<C...>> {
  static constexpr char value[] = {C..., '\0'};
  static constexpr std::string_view view{value, sizeof...(C)};
};

/// What Hana's descriptor of a struct says, read once from the type of its accessor tuple (a hana::tuple of
/// hana::pair<name, accessor>): the accessors and the member names. Every per-member question about a model is
/// answered from here, so the descriptor is unpacked once per model, not once per question and member.
template <class Accessors>
struct hana_members;
template <class... Names, class... Accessors>
struct hana_members<boost::hana::tuple<boost::hana::pair<Names, Accessors>...>> {
  static constexpr std::size_t count = sizeof...(Accessors);
  using accessors = type_list<Accessors...>;
  static constexpr std::array<std::string_view, count> names{hana_string_chars<Names>::view...};
};

template <class M>
using members_of = hana_members<std::remove_cvref_t<decltype(boost::hana::accessors<M>())>>;

template <class M, std::size_t I>
constexpr decltype(auto) member_of(M& instance) noexcept {
  using accessor = type_at<I, typename members_of<std::remove_const_t<M>>::accessors>;
  return accessor{}(instance);
}

template <class M>
inline constexpr std::size_t member_count = members_of<M>::count;

template <class M, std::size_t I>
using member_type = std::remove_cvref_t<decltype(member_of<M, I>(std::declval<M&>()))>;

template <class M, std::size_t I>
struct member_name_of {
  static constexpr std::string_view value = members_of<M>::names[I];
};

template <class M, std::size_t I>
inline constexpr std::string_view member_name = member_name_of<M, I>::value;

/// Which members of M are stored properties and which are reflections (has_many, has_one: no column, no
/// property). Property I is member `stored[I]`; reflection J is member `reflections[J]`.
template <class M>
struct member_layout {
  template <std::size_t... I>
  static constexpr std::array<bool, sizeof...(I)> reflection_flags(std::index_sequence<I...>) noexcept {
    return {reflection_member<member_type<M, I>>...};
  }
  static constexpr auto is_reflection = reflection_flags(std::make_index_sequence<member_count<M>>{});

  static constexpr std::size_t reflection_count = [] {
    std::size_t n = 0;
    for (const bool r : is_reflection) n += r ? 1 : 0;
    return n;
  }();

  template <bool Reflections, std::size_t N>
  static constexpr std::array<std::size_t, N> indexes() noexcept {
    std::array<std::size_t, N> out{};
    std::size_t at = 0;
    for (std::size_t i = 0; i < is_reflection.size(); ++i)
      if (is_reflection[i] == Reflections) out[at++] = i;
    return out;
  }
  static constexpr auto stored = indexes<false, member_count<M> - reflection_count>();
  static constexpr auto reflections = indexes<true, reflection_count>();
};

/// The member that stored property I of M is.
template <class M, std::size_t I>
inline constexpr std::size_t stored_member = member_layout<M>::stored[I];

template <class M, std::size_t I>
struct property_name_of {
  static constexpr std::string_view value = [] {
    constexpr std::size_t at = stored_member<M, I>;
    using member = member_type<M, at>;
    if constexpr (relation_member<member>) {
      if constexpr (!member::foreign_key_option.empty()) return member::foreign_key_option;
      else return with_id_suffix<member_name_of<M, at>>::value.view();
    } else {
      return member_name<M, at>;
    }
  }();
};

template <class Member>
struct stored_type {
  using type = Member;
};
template <relation_member Member>
struct stored_type<Member> {
  using type = std::optional<typename Member::key_type>;
};

template <class M>
struct model_name_of_type {
  static constexpr std::string_view value = [] {
    if constexpr (requires { M::model_name; }) {
      return std::string_view{M::model_name};
    } else {
      static_assert(!names_template_specialization(unqualified_type_name<M>),
                    "tether: a model that is a class template specialisation has no name of its own; declare "
                    "`static constexpr std::string_view model_name = \"...\";` in it");
      return unqualified_type_name<M>;
    }
  }();
};

}  // namespace detail

/// @brief The model name: the unqualified type name, or the member `static constexpr std::string_view model_name`.
template <model M>
inline constexpr std::string_view model_name = detail::model_name_of_type<M>::value;

/// @brief How many stored properties M has (one per member but has_many and has_one: a belongsTo member stores
/// its foreign key).
template <model M>
inline constexpr std::size_t property_count = detail::member_layout<M>::stored.size();

/// @brief The name of stored property I: the member name, or for a belongsTo member its foreign key.
template <model M, std::size_t I>
inline constexpr std::string_view property_name = detail::property_name_of<M, I>::value;

/// @brief The type of stored property I: the member type, or for a belongsTo member `std::optional<key>`.
template <model M, std::size_t I>
using property_type = typename detail::stored_type<detail::member_type<M, detail::stored_member<M, I>>>::type;

/// @brief True when stored property I is the foreign key of a belongsTo member.
template <model M, std::size_t I>
inline constexpr bool is_foreign_key = detail::relation_member<detail::member_type<M, detail::stored_member<M, I>>>;

/// @brief Reads stored property I of an instance.
template <std::size_t I, model M>
[[nodiscard]] constexpr const property_type<M, I>& get_property(const M& instance) noexcept {
  if constexpr (is_foreign_key<M, I>) return detail::member_of<const M, detail::stored_member<M, I>>(instance).key();
  else return detail::member_of<const M, detail::stored_member<M, I>>(instance);
}

/// @brief Writes stored property I of an instance (through the relation's setter for a foreign key, so a cached
/// target that no longer matches is dropped).
template <std::size_t I, model M, class V>
constexpr void set_property(M& instance, V&& value) {
  // A foreign key goes through the relation's own assignment, which refuses narrowing and drops a stale cache.
  detail::member_of<M, detail::stored_member<M, I>>(instance) = std::forward<V>(value);
}

/// @brief Calls `f(std::integral_constant<std::size_t, I>{})` for each stored property of M, in order.
template <model M, class F>
constexpr void for_each_property(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(std::integral_constant<std::size_t, I>{}), ...);
  }(std::make_index_sequence<property_count<M>>{});
}

namespace detail {

constexpr std::size_t no_property = static_cast<std::size_t>(-1);

template <class M>
constexpr std::string_view id_property_name() noexcept {
  if constexpr (requires { M::id_property; }) return M::id_property;
  else return "id";
}

/// Index of the stored property whose member is named `name` (a has_many or has_one is none), or no_property.
template <class M>
constexpr std::size_t property_index(std::string_view name) noexcept {
  const auto& names = members_of<M>::names;
  const auto& stored = member_layout<M>::stored;
  for (std::size_t i = 0; i < stored.size(); ++i)
    if (names[stored[i]] == name) return i;
  return no_property;
}

template <class M, fixed_string Name>
struct no_such_property : std::false_type {};

template <class M, fixed_string Name>
struct id_names_relation : std::false_type {};

template <class M>
constexpr std::size_t id_index_of() noexcept {
  constexpr std::size_t index = property_index<M>(id_property_name<M>());
  if constexpr (requires { M::id_property; }) {
    static_assert(index != no_property || no_such_property<M, "id_property">::value,
                  "tether: the model's `id_property` names no property of the model; name one of its members");
    if constexpr (index != no_property) {
      // A relation's foreign key as the id would be generated (and link the row to whichever target has it).
      static_assert(!relation_member<member_type<M, stored_member<M, index>>> ||
                        id_names_relation<M, "id_property">::value,
                    "tether: the model's `id_property` names a belongs_to member, whose foreign key cannot be the "
                    "id; name a plain property of the model");
    }
  }
  return index;
}

}  // namespace detail

/// @brief True when M has an id property (`id`, or the one its `id_property` names).
template <model M>
inline constexpr bool has_id = detail::id_index_of<M>() != detail::no_property;

/// @brief Index of M's id among its stored properties (M must have one).
template <model M>
  requires has_id<M>
inline constexpr std::size_t id_index = detail::id_index_of<M>();

/// @brief The type a key of property I holds: the property type without std::optional.
template <model M, std::size_t I>
using key_type_of = detail::strip_optional_t<property_type<M, I>>;

/// @brief M's id value type without std::optional (`std::int64_t` for `std::optional<std::int64_t> id`).
template <model M>
  requires has_id<M>
using id_type = key_type_of<M, id_index<M>>;

/// @brief A model with no id, given the one LoopBack would add: M's properties plus `std::int64_t id`.
/// An aggregate: `tether::with_id<Tag> t{}; t.label = "news";`.
template <model M>
struct with_id : M {
  static_assert(!has_id<M>, "tether::with_id<M>: M already has an id property; use M itself");

  std::int64_t id{};

  static constexpr std::string_view model_name = tether::model_name<M>;
  static constexpr std::string_view id_property = "id";

  // M's Hana accessors would hide `id`, so with_id declares its own: `id` first, then M's.
  struct hana_accessors_impl {
    static constexpr auto apply() {
      return boost::hana::prepend(
          boost::hana::accessors<M>(),
          boost::hana::make_pair(boost::hana::string_c<'i', 'd'>,
                                 [](auto&& instance) -> decltype(auto) { return (instance.id); }));
    }
  };
};

/// @brief What the store hands out for M: M when it has an id, `with_id<M>` otherwise.
template <model M>
using persisted = std::conditional_t<has_id<M>, M, with_id<M>>;

/// @brief A row of the property table: what code that works at run time (filters, JSON, SQL) knows of a property.
struct property_info {
  std::string_view name;  ///< stored name (`customerId` for a belongsTo member)
  value_kind kind;
  bool nullable;     ///< std::optional, which a foreign key always is
  bool is_id;
  bool generated;    ///< an integer id the store generates
  bool foreign_key;  ///< the key of a belongsTo member
};

namespace detail {

template <class M, fixed_string Name, class T>
struct unsupported_property_type : std::false_type {};

template <class M, std::size_t I>
struct member_fixed_name {
  static constexpr auto value = to_fixed_string<member_name_of<M, I>>();
};

/// The member name of stored property I, for diagnostics.
template <class M, std::size_t I>
using property_fixed_name = member_fixed_name<M, stored_member<M, I>>;

/// Row I of M's property table; the static_assert names the model and member when the type is not supported.
template <class M, std::size_t I>
constexpr property_info property_row() noexcept {
  using T = property_type<M, I>;
  static_assert(property_value<T> || unsupported_property_type<M, property_fixed_name<M, I>::value, T>::value,
                "tether: unsupported property type; a property must be an integer, floating point, bool, "
                "std::string, std::chrono::system_clock::time_point, nlohmann::json, std::optional of one of "
                "these, or a tether::belongs_to");
  if constexpr (property_value<T>) {
    const bool is_id = I == id_index_of<M>();
    return {property_name<M, I>, kind_of<T>(), is_optional<T>::value, is_id,
            is_id && kind_of<T>() == value_kind::integer, is_foreign_key<M, I>};
  } else {
    return {};
  }
}

template <class M, std::size_t... I>
constexpr std::array<property_info, sizeof...(I)> property_rows(std::index_sequence<I...>) noexcept {
  return {property_row<M, I>()...};
}

template <class M>
struct property_table_of {
  static constexpr std::array<property_info, property_count<M>> value =
      property_rows<M>(std::make_index_sequence<property_count<M>>{});
};

}  // namespace detail

namespace detail {

template <class M, fixed_string Name>
struct foreign_key_collides : std::false_type {};

template <class M, fixed_string IdName, class T>
struct unsupported_id_type : std::false_type {};

/// The first foreign key whose stored name another property has too, or no_property. Read off the property
/// table, so the check costs one constant evaluation, not one instantiation per pair of properties.
template <std::size_t N>
constexpr std::size_t colliding_key(const std::array<property_info, N>& table) noexcept {
  for (std::size_t a = 0; a < N; ++a)
    for (std::size_t b = a + 1; b < N; ++b)
      if (table[a].name == table[b].name) return table[a].foreign_key ? a : b;
  return no_property;
}

template <class M, std::size_t I>
constexpr bool check_member() {
  using member = member_type<M, I>;
  if constexpr (relation_member<member> || reflection_member<member>)
    static_assert(member::template check_in_model<M>());
  return true;
}

template <class M, std::size_t... I>
constexpr bool check_members(std::index_sequence<I...>) {
  return (check_member<M, I>() && ...);
}

template <class M, fixed_string Member>
struct belongs_to_reflected_twice : std::false_type {};

/// Which target (as a tag address) and which of its foreign keys reflection member I of M reflects.
struct reflected_link {
  const void* target = nullptr;
  std::size_t key = 0;
};

template <class T>
inline constexpr char model_tag = 0;

template <class M, std::size_t... J>
constexpr std::array<reflected_link, sizeof...(J)> reflected_links(std::index_sequence<J...>) {
  return {reflected_link{&model_tag<persisted<typename member_type<M, member_layout<M>::reflections[J]>::declared_target>>,
                         member_type<M, member_layout<M>::reflections[J]>::template reflected_key<M>()}...};
}

/// The first reflection of M that reflects the same belongs_to as an earlier one, or no_property.
template <class M>
constexpr std::size_t repeated_reflection() {
  constexpr auto links = reflected_links<M>(std::make_index_sequence<member_layout<M>::reflection_count>{});
  for (std::size_t a = 0; a < links.size(); ++a)
    for (std::size_t b = 0; b < a; ++b)
      if (links[a].target == links[b].target && links[a].key == links[b].key) return a;
  return no_property;
}

/// Every compile-time check of a model, in one place; every entry point (repository, JSON, definitions)
/// names `model_checked<M>` so that a misuse is reported once, where it is first used.
template <class M>
constexpr bool check_model() {
  constexpr std::size_t collision = colliding_key(property_table_of<M>::value);
  if constexpr (collision != no_property) {
    static_assert(foreign_key_collides<M, property_fixed_name<M, collision>::value>::value,
                  "tether: two properties of the model have one stored name (a belongs_to's foreign key is "
                  "its member name plus Id); rename the property, or name the key with "
                  "tether::foreign_key<\"...\">");
  }
  check_members<M>(std::make_index_sequence<member_count<M>>{});
  if constexpr (member_layout<M>::reflection_count > 1) {
    constexpr std::size_t repeated = repeated_reflection<M>();
    if constexpr (repeated != no_property) {
      static_assert(belongs_to_reflected_twice<M, member_fixed_name<M, member_layout<M>::reflections[repeated]>::value>::value,
                    "tether: two has_many / has_one members of the model reflect the same belongs_to; keep one, or "
                    "point them at different belongs_to members with tether::inverse<\"member\">");
    }
  }
  if constexpr (has_id<M>) {
    using T = property_type<M, id_index<M>>;
    using V = strip_optional_t<T>;
    static_assert(integer_value<V> || std::is_same_v<V, std::string> ||
                      unsupported_id_type<M, property_fixed_name<M, id_index<M>>::value, T>::value,
                  "tether: an id must be an integer or std::string, plain or in std::optional");
  }
  return true;
}

}  // namespace detail

/// @brief True once M passed every compile-time check (a failed check is a compile error naming M).
template <model M>
inline constexpr bool model_checked = detail::check_model<M>();

/// @brief The property table of M, one row per stored property, in declaration order.
template <model M>
[[nodiscard]] constexpr std::span<const property_info> properties() noexcept {
  return detail::property_table_of<M>::value;
}

}  // namespace tether

#endif
