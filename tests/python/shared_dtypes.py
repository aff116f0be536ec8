"""The ml_dtypes dtype (np.float16 for fp16) of every lmul format that ml_dtypes also implements:
the independent implementation the Python tests compare lmul with."""
import numpy as np


def shared_dtypes(ml):
    """lmul format name -> dtype, for the imported ml_dtypes module `ml`."""
    return {
        "e4m3fn": ml.float8_e4m3fn,
        "e5m2": ml.float8_e5m2,
        "lmul<3,4>": ml.float8_e4m3,
        "lmul<4,3>": ml.float8_e3m4,
        "e2m3fn": ml.float6_e2m3fn,
        "e3m2fn": ml.float6_e3m2fn,
        "e2m1fn": ml.float4_e2m1fn,
        "bf16": ml.bfloat16,
        "fp16": np.float16,
        "e8m0fnu": ml.float8_e8m0fnu,
    }
