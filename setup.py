"""Build hook for the one compiled piece: everything else is configured in pyproject.toml.

The extension is optional: without a C compiler newsdesk installs and runs the same,
only its parser loop is slower on CPUs that BLIS has no kernels for.
"""

import sys

from setuptools import Extension, setup

# The layer kernels must round like numpy: no fusing of a multiply and an add into one
# instruction (GCC and Clang may do it when the target CPU has FMA).
flags = [] if sys.platform == "win32" else ["-ffp-contract=off"]

setup(
    ext_modules=[
        Extension(
            "newsdesk.annotate._blas", ["src/newsdesk/annotate/_blas.c"],
            extra_compile_args=flags, optional=True,
        )  # fmt: skip
    ]
)
