include_guard(GLOBAL)

# Warnings for tether's own tests, examples and benchmarks; never part of tether::tether.
add_library(tether_warnings INTERFACE)
target_compile_options(tether_warnings INTERFACE -Wall -Wextra -Wpedantic -Werror)
