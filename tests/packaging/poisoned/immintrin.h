#error "this header must not need x86 intrinsics"
