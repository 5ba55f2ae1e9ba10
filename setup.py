"""Build hook for the one compiled piece: everything else is configured in pyproject.toml.

The extension is optional: without a C compiler newsdesk installs and runs the same,
only its parser loop is slower on CPUs that BLIS has no kernels for.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("newsdesk.annotate._blas", ["src/newsdesk/annotate/_blas.c"], optional=True)
    ]
)
