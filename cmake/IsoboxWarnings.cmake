# Warning flags shared by every isobox target; -Werror when ISOBOX_WERROR is on (CI).
function(isobox_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
                         -Wno-missing-field-initializers)
  if(ISOBOX_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# isobox_library(NAME DIR DEPS...): a static library from every .cpp under DIR (recursively).
# Folders own their sources; globbing keeps parallel work from colliding on one list.
function(isobox_library name dir)
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*.cpp)
  list(FILTER srcs EXCLUDE REGEX "/wasm/aot/llvm/") # the LLVM plug-in is its own target
  if(NOT srcs)
    # A stage with no code yet is a header-only placeholder, so the dependency graph stays whole.
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${name} INTERFACE ${ARGN})
    return()
  endif()
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARGN})
  isobox_warnings(${name})
endfunction()

# isobox_unit_test(NAME DIR DEPS...): one GoogleTest binary from every *_test.cpp under DIR.
function(isobox_unit_test name dir)
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*_test.cpp)
  if(NOT srcs)
    return()
  endif()
  add_executable(${name} ${srcs})
  target_link_libraries(${name} PRIVATE ${ARGN} GTest::gtest GTest::gtest_main GTest::gmock)
  isobox_warnings(${name})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()
