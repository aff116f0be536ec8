# Find xsimd. Debian's xsimd 8.1 exports a plain `xsimd` target whose link interface names `xtl`,
# a target that only exists when xtl-dev is installed (xsimd needs none of it). Provide an empty
# stand-in so that linking `xsimd` does not turn into a bogus `-lxtl`.
if(NOT TARGET xtl)
  find_package(xtl QUIET CONFIG)
  if(NOT TARGET xtl)
    add_library(xtl INTERFACE IMPORTED)
  endif()
endif()
if(NOT TARGET xsimd)
  find_package(xsimd 8.1 REQUIRED CONFIG)
endif()
