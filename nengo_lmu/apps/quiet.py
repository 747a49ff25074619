"""Quiet runs: the known harmless messages of NengoDL and TensorFlow, off.

Every run that uses NengoDL prints the same messages, none of which says
anything about the run: NengoDL's "This version of NengoDL has not been
tested with your Nengo version" (NengoDL 3.6 is the last release, and works
with nengo 4.1 as DESIGN.md records) and "No GPU support detected",
NengoLoihi's same note about nengo's version, and
TensorFlow's start-up log (oneDNN, CUDA drivers, TensorRT). The command
line, the examples and the benchmarks call `quiet_known_warnings` where
they start; the library never does (importing nengo-lmu changes no warning
filter and no environment variable), and every other warning still shows.

TensorFlow's log level is the environment variable ``TF_CPP_MIN_LOG_LEVEL``,
which NengoDL sets to 1 when it is imported, over any value already there;
TensorFlow's TensorRT check then logs a warning during that import. So
``import_nengo_dl=True`` imports NengoDL while that one assignment is
ignored, keeping the level chosen before.
"""

import contextlib
import importlib.util
import os
import sys
import warnings

# NengoDL's and NengoLoihi's messages, as the start of their text
KNOWN_WARNINGS = (
    "This version of NengoDL has not been tested with your Nengo version",
    "No GPU support detected",
    "This version of `nengo_loihi` has not been tested with your `nengo` version",
)
LOG_LEVEL = "TF_CPP_MIN_LOG_LEVEL"


@contextlib.contextmanager
def _keeping_log_level():
    """Ignore assignments to ``TF_CPP_MIN_LOG_LEVEL`` that would replace a
    value already set (NengoDL's on import), inside the block only."""
    environ_type = type(os.environ)
    original = environ_type.__setitem__

    def setitem(self, key, value):
        if self is os.environ and key == LOG_LEVEL and key in self:
            return
        original(self, key, value)

    environ_type.__setitem__ = setitem
    try:
        yield
    finally:
        environ_type.__setitem__ = original


def quiet_known_warnings(import_nengo_dl=False):
    """Hide the messages of `KNOWN_WARNINGS` and TensorFlow's start-up log.

    TensorFlow reads ``TF_CPP_MIN_LOG_LEVEL`` when it is imported: call
    this first. A level already set in the environment is kept.

    Parameters
    ----------
    import_nengo_dl : bool
        Also import NengoDL now (if it is installed and not yet imported),
        keeping the log level (see the module): for runs that use it.
    """
    os.environ.setdefault(LOG_LEVEL, "2")
    for message in KNOWN_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=UserWarning)
    if (
        import_nengo_dl
        and "nengo_dl" not in sys.modules
        and importlib.util.find_spec("nengo_dl") is not None
    ):
        with _keeping_log_level():
            import nengo_dl  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
