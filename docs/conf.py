"""Sphinx configuration for the nengo-lmu documentation.

Build with ``make docs`` (warnings are errors). The figures are drawn by the
scripts in ``pyplots/`` and by the examples in the pages themselves, at build
time, with matplotlib's plot directive; the benchmark tables are the Markdown
files that the benchmark scripts write to ``benchmarks/``, read by
myst-parser.
"""

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))  # the nengo_lmu in this checkout
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import nengo_lmu  # noqa: E402  pylint: disable=wrong-import-position

project = "nengo-lmu"
author = "the nengo-lmu developers"
copyright = f"2026, {author}"  # pylint: disable=redefined-builtin
release = nengo_lmu.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "matplotlib.sphinxext.plot_directive",
    "lmu_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
# the docstrings write `name` for cross-references, as numpy and nengo do
default_role = "py:obj"
pygments_style = "friendly"

# --- API reference (autodoc + numpydoc) --------------------------------------

autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
# TensorFlow and NengoDL are optional: nothing in the documented modules
# imports them at import time, so no mocking is needed
numpydoc_show_class_members = False  # autodoc lists the members itself
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()  # problems are listed in issue notes

# --- matplotlib plot directive ------------------------------------------------

plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_rcparams = {"figure.autolayout": True, "savefig.bbox": "tight"}
plot_pre_code = "import numpy as np\nimport matplotlib.pyplot as plt\n"
plot_working_directory = str(HERE)

# --- Markdown (the benchmark tables) -----------------------------------------

myst_heading_anchors = 3
myst_enable_extensions = []

# --- HTML -------------------------------------------------------------------

html_theme = "furo"
html_title = f"nengo-lmu {release}"
html_static_path = []
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": True,
}

# --- constants: their pages describe them (they have no docstrings) ----------


def _repair_docstring(app, what, name, obj, options, lines):
    if what == "data" and isinstance(obj, (bool, int, float, str, tuple, list, dict)):
        # a constant has no docstring of its own: autodoc would show its
        # type's (``int([x]) -> integer``); the page describes it instead
        lines[:] = []


def setup(app):
    app.connect("autodoc-process-docstring", _repair_docstring)
