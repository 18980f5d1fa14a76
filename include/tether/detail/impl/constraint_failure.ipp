#ifndef TETHER_DETAIL_IMPL_CONSTRAINT_FAILURE_IPP
#define TETHER_DETAIL_IMPL_CONSTRAINT_FAILURE_IPP

// The out-of-line definitions of <tether/detail/constraint_failure.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/constraint_failure.hpp>

namespace tether::detail {

TETHER_DECL std::string constraint_message(const constraint_failure& f) {
  const std::string constraint = f.constraint.empty() ? "" : " (constraint \"" + f.constraint + "\")";
  const auto id_part = [&] { return f.id ? describe(*f.id) : std::string("?"); };
  switch (f.kind) {
    case constraint_kind::dangling_key: {
      const std::string shown = describe(f.key);
      return "tether: " + f.model + "." + f.relation + ": no " + f.target_model + " has " + f.target_property + " " +
             shown + " (" + f.property + " " + shown + ")" + constraint;
    }
    case constraint_kind::still_referenced: {
      std::string message = "tether: cannot remove ";
      if (f.cascaded_from) {
        message += f.cascaded_from->model + " " + f.cascaded_from->id_property + " " +
                   describe(f.cascaded_from->id) + ": it cascades to " + f.model + ", and cannot remove ";
      }
      message += f.model + " " + f.property + " " + describe(f.key) + ": " + f.referring.model + "." +
                 f.referring.property + " references it";
      const std::size_t count = f.referring.count;
      if (count > 0) {
        message += " from " + std::to_string(count) + (count == 1 ? " row" : " rows");
        if (f.referring.first_id) {
          message += " (" + f.referring.model + " " + f.referring.id_property + " " + describe(*f.referring.first_id) +
                     (count > 1 ? ", ...)" : ")");
        }
      }
      return message + constraint +
             "; remove or relink them first, or declare on_delete<cascade> or on_delete<set_null>";
    }
    case constraint_kind::referenced_changed:
      return "tether: cannot change " + f.model + "." + f.property + " of id " + id_part() + ": " + f.referring.model +
             "." + f.referring.property + " references it" + constraint;
    case constraint_kind::duplicate_id:
      return "tether: cannot " + f.operation + " " + f.model + ": id " + id_part() + " exists already" + constraint;
    case constraint_kind::duplicate_unique:
      return "tether: " + f.model + "." + f.property + " must be unique (a foreign key references it), and " +
             describe(f.key) + " is taken" + constraint;
    case constraint_kind::drop_refused:
      return "tether: cannot drop " + f.model + ": " + f.referring.model + "." + f.referring.property +
             " references its row " + describe(f.key) + constraint +
             "; migrate the referencing model together with it";
    case constraint_kind::duplicates_held:
      if (!f.relation.empty()) {
        const std::string shared = std::holds_alternative<std::nullptr_t>(f.key) ? "" : " " + describe(f.key);
        return "tether: cannot migrate " + f.model + ": " + f.relation + " is one-to-one, but several " +
               f.target_model + " rows have " + f.property + shared + constraint +
               "; relink or remove all but one of them first";
      }
      return "tether: cannot migrate " + f.model + ": " + f.target_model +
             " holds duplicates of a property a foreign key references (" + f.reason + ")" + constraint;
    case constraint_kind::one_to_one_taken: {
      const std::string key = describe(f.key);
      const std::string holder = f.referring.first_id ? f.referring.model + " " + f.referring.id_property + " " +
                                                            describe(*f.referring.first_id)
                                                      : std::string("one");
      return "tether: " + f.model + "." + f.property + " " + key + " is taken: " + f.target_model + "." +
             f.relation + " is one-to-one, and " + f.target_model + " " + f.target_property + " " + key + " has " +
             holder + " already" + constraint;
    }
    case constraint_kind::unexplained:
      break;
  }
  return "tether: cannot " + f.operation + " " + f.model + (f.id ? " " + f.property + " " + describe(*f.id) : "") +
         ": " + f.reason;
}

}  // namespace tether::detail

#endif
