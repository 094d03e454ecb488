"""Pillow's type hints import numpy.typing for a type checker only (under `if TYPE_CHECKING:`,
which PyInstaller's analysis follows all the same): a build on a machine with numpy installed
carried all of numpy and its OpenBLAS, 39 of a 73 MB one-folder bundle, into every app with an
ImageField, which never imports it. Left out on that path only: a site, or a library of its, that
imports numpy still brings it in.
"""

excludedimports = ["numpy"]
