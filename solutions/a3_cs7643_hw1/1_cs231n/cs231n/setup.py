"""Build the Cython im2col extension in place: python setup.py build_ext --inplace

(from this directory; it needs Cython and a C compiler: pip install cython). Without it,
fast_layers falls back to the NumPy im2col, with the same results, more slowly.
"""

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

extensions = [
    Extension('im2col_cython', ['im2col_cython.pyx'],
              include_dirs=[numpy.get_include()]),
]

setup(
    ext_modules=cythonize(extensions),
)
