# cmake -DCOMPILER=... -DSOURCE=... -DINCLUDE_DIRS=a|b -DSYSTEM_INCLUDE_DIRS=c|d -DIMPLICIT_INCLUDE_DIRS=e|f
#       -P check.cmake
# The first line of SOURCE says what must happen:
#   // expect: <text>   compilation fails, and its first error says <text> (literal, not a regex) on the error
#                       line itself: a misuse prints its sentence first, not below a screen of other errors;
#   // expect-success   compilation succeeds without a single diagnostic.
# Lines right below `// expect:` may add:
#   // expect-also: <text>   <text> is in the first error too: on its error line, or on the context lines the
#                            compiler prints just before it (In instantiation of ..., required from ...);
#   // errors: <= N          at most N errors in all. Without it, 1: a misuse stops at its sentence.
# Directory lists use '|' because ';' would split the argument on the way through add_test().
cmake_minimum_required(VERSION 3.22)

foreach(var COMPILER SOURCE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "check.cmake: ${var} is not set")
  endif()
endforeach()

# The directives are read line by line as strings, never as a CMake list: the sentences hold ';'.
file(READ "${SOURCE}" rest LIMIT 8192)
set(also_expected_count 0)
set(error_limit 1)
set(expect_success "")
while(TRUE)
  string(FIND "${rest}" "\n" end)
  if(end EQUAL -1)
    break()
  endif()
  string(SUBSTRING "${rest}" 0 ${end} line)
  math(EXPR next "${end} + 1")
  string(SUBSTRING "${rest}" ${next} -1 rest)
  if(expect_success STREQUAL "")
    if(line MATCHES "^// expect: (.+)$")
      set(expect_success FALSE)
      set(expected "${CMAKE_MATCH_1}")
    elseif(line MATCHES "^// expect-success")
      set(expect_success TRUE)
      break()
    else()
      message(FATAL_ERROR "${SOURCE}: first line must be '// expect: <text>' or '// expect-success'")
    endif()
  elseif(line MATCHES "^// expect-also: (.+)$")
    set(also_expected_${also_expected_count} "${CMAKE_MATCH_1}")
    math(EXPR also_expected_count "${also_expected_count} + 1")
  elseif(line MATCHES "^// errors: <= ([0-9]+)$")
    set(error_limit ${CMAKE_MATCH_1})
  else()
    break()
  endif()
endwhile()
if(expect_success STREQUAL "")
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

# An error line: "file:line:col: error: ..." (or "fatal error:"); context lines (In file included from,
# In instantiation of, required from) and notes are not errors. The output is split into lines only to count
# them (';' and '[' would cut or join list elements, so they are replaced first); every comparison of text
# uses the output itself.
string(REPLACE ";" "," flat "${output}")
string(REPLACE "[" "(" flat "${flat}")
string(REPLACE "]" ")" flat "${flat}")
string(REPLACE "\n" ";" lines "${flat}")
set(error_count 0)
foreach(line IN LISTS lines)
  if(line MATCHES ": (fatal )?error: ")
    math(EXPR error_count "${error_count} + 1")
  endif()
endforeach()

# The first error: its line, and everything printed before it (the context that introduces it).
string(REGEX MATCH "[^\n]*: (fatal )?error: [^\n]*" first_error_line "${output}")
if(first_error_line STREQUAL "")
  message(FATAL_ERROR "${SOURCE} failed to compile, as it must, but printed no error line")
endif()
string(FIND "${output}" "${first_error_line}" first_error_at)
string(LENGTH "${first_error_line}" first_error_length)
math(EXPR first_error_end "${first_error_at} + ${first_error_length}")
string(SUBSTRING "${output}" 0 ${first_error_end} first_error)

# Whether `text` holds `wanted`, as printed or with clang's escapes undone: clang 14 prints a static_assert
# message as a string literal, with \" and \\ escaped; g++ prints it as is.
function(holds text wanted out)
  string(FIND "${text}" "${wanted}" position)
  if(position EQUAL -1)
    string(REPLACE "\\\"" "\"" text "${text}")
    string(REPLACE "\\\\" "\\" text "${text}")
    string(FIND "${text}" "${wanted}" position)
  endif()
  if(position EQUAL -1)
    set(${out} FALSE PARENT_SCOPE)
  else()
    set(${out} TRUE PARENT_SCOPE)
  endif()
endfunction()

# Every fact goes out before a failure on one of them.
message(STATUS "${SOURCE}: ${error_count} error(s), at most ${error_limit} allowed; the first: ${first_error_line}")
holds("${first_error_line}" "${expected}" found)
if(NOT found)
  holds("${output}" "${expected}" found_later)
  if(found_later)
    message(FATAL_ERROR "${SOURCE} failed to compile, as it must, but its first error does not say: ${expected}")
  endif()
  message(FATAL_ERROR "${SOURCE} failed to compile, as it must, but the diagnostics lack: ${expected}")
endif()
if(also_expected_count GREATER 0)
  math(EXPR last "${also_expected_count} - 1")
  foreach(i RANGE ${last})
    holds("${first_error}" "${also_expected_${i}}" found)
    if(NOT found)
      message(FATAL_ERROR "${SOURCE}: the first error, with the context before it, lacks: ${also_expected_${i}}")
    endif()
  endforeach()
endif()
if(error_count GREATER error_limit)
  message(FATAL_ERROR "${SOURCE}: ${error_count} errors, more than the ${error_limit} allowed: a misuse must stop at "
                      "its sentence, not bury it under follow-on errors")
endif()
message(STATUS "${SOURCE}: fails with \"${expected}\" first, as expected")
