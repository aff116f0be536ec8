#error "this header must not need xsimd"
