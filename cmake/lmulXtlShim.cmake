# Debian's xsimd 8.1 exports a plain `xsimd` target whose link interface names `xtl`, a target that
# exists only when xtl-dev is installed (xsimd needs none of it). Provide an empty stand-in so that
# linking `xsimd` does not turn into a bogus `-lxtl`. Included before finding xsimd.
if(NOT TARGET xtl)
  find_package(xtl QUIET CONFIG)
  if(NOT TARGET xtl)
    add_library(xtl INTERFACE IMPORTED)
  endif()
endif()
