# cmake -P script: compile SOURCE with CXX -std=c++20 -O2 -I INCLUDE FLAGS (nothing else: no CMake
# target, no library), run it, and require the quick start's expected lines (values from the spec:
# L-Mul 1.25 * 1.25 = 1.625 on lmul<3,4>; 1000 products of 1.375 * 1.125 under e4m3fn L-Mul, each
# 1.625, sum 1625).
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${CXX} -std=c++20 -O2 -I${INCLUDE} ${FLAGS} ${SOURCE} -o ${WORK}/quickstart
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "header-only build failed (${rc}):\n${out}\n${err}")
endif()
execute_process(COMMAND ${WORK}/quickstart RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "quick start failed (${rc}): ${out}\n${err}")
endif()
foreach(expected "L-Mul 1.25 \\* 1.25 = 1.625" "w\\[0\\] = 1.625, lmul_dot\\(u, v\\) = 1625")
  if(NOT out MATCHES "${expected}")
    message(FATAL_ERROR "quick start output lacks '${expected}':\n${out}")
  endif()
endforeach()
