# cmake -DCOMPILER=... -DSOURCE=... -DINCLUDE_DIRS=a|b -DSYSTEM_INCLUDE_DIRS=c|d -DIMPLICIT_INCLUDE_DIRS=e|f
#       -P check.cmake
# The first line of SOURCE says what must happen:
#   // expect: <text>   compilation fails and its output contains <text> (literal, not a regex);
#   // expect-success   compilation succeeds without a single diagnostic.
# Directory lists use '|' because ';' would split the argument on the way through add_test().
cmake_minimum_required(VERSION 3.22)

foreach(var COMPILER SOURCE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "check.cmake: ${var} is not set")
  endif()
endforeach()

file(STRINGS "${SOURCE}" first_line LIMIT_COUNT 1)
if(first_line MATCHES "^// expect: (.+)$")
  set(expect_success FALSE)
  # file(STRINGS) escapes ';' as '\;' (a CMake list separator); the expected text is literal.
  string(REPLACE "\\;" ";" expected "${CMAKE_MATCH_1}")
elseif(first_line MATCHES "^// expect-success")
  set(expect_success TRUE)
else()
  message(FATAL_ERROR "${SOURCE}: first line must be '// expect: <text>' or '// expect-success'")
endif()

string(REPLACE "|" ";" implicit_dirs "${IMPLICIT_INCLUDE_DIRS}")
string(REPLACE "|" ";" system_dirs "${SYSTEM_INCLUDE_DIRS}")
string(REPLACE "|" ";" include_dirs "${INCLUDE_DIRS}")
# Like CMake itself, never pass the compiler's own directories (-isystem /usr/include breaks #include_next),
# and let a directory that is SYSTEM for real builds stay SYSTEM here.
list(REMOVE_ITEM system_dirs ${implicit_dirs} "")
list(REMOVE_ITEM include_dirs ${implicit_dirs} ${system_dirs} "")
list(REMOVE_DUPLICATES system_dirs)
list(REMOVE_DUPLICATES include_dirs)

set(flags -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -fmessage-length=0)
foreach(dir IN LISTS include_dirs)
  list(APPEND flags "-I${dir}")
endforeach()
foreach(dir IN LISTS system_dirs)
  list(APPEND flags -isystem "${dir}")
endforeach()

# LC_ALL=C: plain ASCII quotes in diagnostics, whatever the user's locale.
set(command "${CMAKE_COMMAND}" -E env LC_ALL=C "${COMPILER}" ${flags} "${SOURCE}")
execute_process(COMMAND ${command} RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
list(JOIN command " " command_line)

# The compiler's output goes out verbatim: FATAL_ERROR would re-wrap it.
message(NOTICE "${command_line}\n${output}")
if(expect_success)
  if(NOT result EQUAL 0 OR NOT output STREQUAL "")
    message(FATAL_ERROR "${SOURCE} must compile without any diagnostic, but did not (exit ${result})")
  endif()
  message(STATUS "${SOURCE}: compiles cleanly, as expected")
  return()
endif()

if(result EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but must fail with: ${expected}")
endif()
# clang 14 prints a static_assert message as a string literal, with \" and \\ escaped; g++ prints it as is.
string(REPLACE "\\\"" "\"" unescaped "${output}")
string(REPLACE "\\\\" "\\" unescaped "${unescaped}")
string(FIND "${output}" "${expected}" position)
if(position EQUAL -1)
  string(FIND "${unescaped}" "${expected}" position)
endif()
if(position EQUAL -1)
  message(FATAL_ERROR "${SOURCE} failed to compile, as it must, but the diagnostics lack: ${expected}")
endif()
message(STATUS "${SOURCE}: fails with \"${expected}\", as expected")
