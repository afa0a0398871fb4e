# Project-wide helpers.

# Warnings for our own code (generated protobuf code is compiled without them).
function(ss_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter
                                           -Wno-sign-compare -Wno-missing-field-initializers
                                           -Wno-maybe-uninitialized)
endfunction()

# ss_library(NAME SOURCES ... DEPS ...): one layer's static library, rooted at src/.
function(ss_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  ss_warnings(${name})
endfunction()

# ss_test(NAME SOURCES ... DEPS ... [LABELS unit|integration|slow]): one gtest binary,
# registered with ctest. Tests find the shared data through SAVEDSERVE_TESTDATA.
function(ss_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} ss_test_util GTest::gtest GTest::gtest_main)
  ss_warnings(${name})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}"
    ENVIRONMENT "SAVEDSERVE_BIN=$<TARGET_FILE:savedserve>;SAVEDSERVE_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
