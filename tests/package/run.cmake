# cmake -DMODE=find_package|add_subdirectory -DTETHER_SOURCE_DIR=... -DTETHER_BINARY_DIR=... -DWORK_DIR=...
#       -DPREFIX=... -DCONFIG=... -DCXX_COMPILER=... -DGENERATOR=... [-DMAKE_PROGRAM=...] -P run.cmake
# find_package:     install the tether build tree into PREFIX, then build and run consumer/ against it.
# add_subdirectory: build and run subdir/, which pulls tether in from its source tree.
# Each builds the same program twice, header-only and against tether::compiled, and runs both.
# Everything happens under WORK_DIR (and PREFIX), started afresh, so stale state can't make a test pass.
cmake_minimum_required(VERSION 3.22)

function(run)
  list(JOIN ARGN " " command_line)
  message(STATUS "run: ${command_line}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${command_line}")
  endif()
endfunction()

set(generator_args -G "${GENERATOR}")
if(MAKE_PROGRAM)
  list(APPEND generator_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(NOT CONFIG)
  set(CONFIG Release)
endif()
# The consumer is built without optimisation or debug information, whatever CONFIG tether was built with: what
# is tested is how the package is found, linked and run, and it is compiled twice (header-only and
# tether::compiled).
set(consumer_config Debug)
set(consumer_build_type "-DCMAKE_BUILD_TYPE=${consumer_config}" "-DCMAKE_CXX_FLAGS_DEBUG=-O0")
file(REMOVE_RECURSE "${WORK_DIR}")
set(build_dir "${WORK_DIR}/build")

if(MODE STREQUAL "find_package")
  file(REMOVE_RECURSE "${PREFIX}")
  run("${CMAKE_COMMAND}" --install "${TETHER_BINARY_DIR}" --prefix "${PREFIX}" --config "${CONFIG}")
  run("${CMAKE_COMMAND}" -S "${TETHER_SOURCE_DIR}/tests/package/consumer" -B "${build_dir}" ${generator_args}
      "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" ${consumer_build_type} "-DCMAKE_PREFIX_PATH=${PREFIX}"
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
  # Prove the installed package was used, not some other tether on the machine.
  file(STRINGS "${build_dir}/CMakeCache.txt" tether_dir REGEX "^tether_DIR:")
  string(REGEX REPLACE "^tether_DIR:[A-Z]+=" "" tether_dir "${tether_dir}")
  file(REAL_PATH "${PREFIX}" real_prefix)
  file(REAL_PATH "${tether_dir}" real_tether_dir)
  string(FIND "${real_tether_dir}" "${real_prefix}/" position)
  if(NOT position EQUAL 0)
    message(FATAL_ERROR "consumer found tether in '${tether_dir}', not under '${PREFIX}'")
  endif()
  set(executable consumer)
elseif(MODE STREQUAL "add_subdirectory")
  run("${CMAKE_COMMAND}" -S "${TETHER_SOURCE_DIR}/tests/package/subdir" -B "${build_dir}" ${generator_args}
      "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" ${consumer_build_type}
      "-DTETHER_SOURCE_DIR=${TETHER_SOURCE_DIR}")
  set(executable subdir)
else()
  message(FATAL_ERROR "run.cmake: MODE must be find_package or add_subdirectory, not '${MODE}'")
endif()

run("${CMAKE_COMMAND}" --build "${build_dir}" --config "${consumer_config}")
# Header-only, then tether::compiled (the same program).
foreach(name ${executable} ${executable}_compiled)
  find_program(program_${name} ${name} PATHS "${build_dir}" "${build_dir}/${consumer_config}" NO_DEFAULT_PATH REQUIRED)
  run("${program_${name}}")
endforeach()
