# cmake -P script: every header under INCLUDE_DIR/lmul compiles on its own (a unit that includes only
# it, -fsyntax-only), in both modes, and leaves no unexpanded LMUL_ISA behind: a header that opens
# `inline namespace LMUL_ISA` without including detail/isa_namespace.hpp would otherwise put its
# functions in a namespace literally named LMUL_ISA when it is included first.
# Arguments: -DCXX=... -DINCLUDE_DIR=... -DWORK=... "-DEXTRA_FLAGS=-I/xsimd/include;..."
file(GLOB_RECURSE headers RELATIVE ${INCLUDE_DIR} ${INCLUDE_DIR}/lmul/*.hpp)
list(SORT headers)
file(MAKE_DIRECTORY ${WORK})
set(failures "")
set(count 0)
foreach(header IN LISTS headers)
  string(MAKE_C_IDENTIFIER ${header} id)
  set(unit ${WORK}/${id}.cpp)
  file(WRITE ${unit} "#include <${header}>\n")
  foreach(mode 0 1)
    execute_process(COMMAND ${CXX} -std=c++20 -E -P -I${INCLUDE_DIR} ${EXTRA_FLAGS}
                            -DLMUL_RUNTIME_DISPATCH=${mode} ${unit}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE preprocessed ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      string(APPEND failures "${header} (mode ${mode}): preprocessing failed: ${err}\n")
      continue()
    endif()
    if(preprocessed MATCHES "[^A-Za-z0-9_]LMUL_ISA[^A-Za-z0-9_]")
      string(APPEND failures "${header} (mode ${mode}): LMUL_ISA used without its definition\n")
    endif()
    execute_process(COMMAND ${CXX} -std=c++20 -fsyntax-only -Wall -Wextra -I${INCLUDE_DIR}
                            ${EXTRA_FLAGS} -DLMUL_RUNTIME_DISPATCH=${mode} ${unit}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      string(APPEND failures "${header} (mode ${mode}): does not compile alone:\n${err}\n")
    endif()
  endforeach()
  math(EXPR count "${count} + 1")
endforeach()
if(count LESS 40)
  message(FATAL_ERROR "only ${count} headers found under ${INCLUDE_DIR}/lmul")
endif()
if(failures)
  message(FATAL_ERROR "${failures}")
endif()
message(STATUS "${count} headers compile on their own in both modes")
