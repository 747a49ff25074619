"""Test fixtures in nengo's conventions, without nengo's pytest plugin.

``pytest --simulator nengo_dl`` (or ``nengo_loihi``) runs every test that
uses the ``Simulator`` fixture on that backend; the default is nengo core.
"""

import importlib
import zlib

import numpy as np
import pytest

SIMULATORS = ("nengo", "nengo_dl", "nengo_loihi")


def pytest_addoption(parser):
    parser.addoption(
        "--simulator",
        default="nengo",
        choices=SIMULATORS,
        help="backend that the Simulator fixture builds models with",
    )


def load_simulator(name):
    """The ``Simulator`` class of a backend, with its progress bars off."""
    module = importlib.import_module(name)
    simulator = module.Simulator
    defaults = {"progress_bar": False}
    if name == "nengo_loihi":
        defaults["target"] = "sim"

    def make_simulator(network, *args, **kwargs):
        return simulator(network, *args, **{**defaults, **kwargs})

    make_simulator.backend = name
    # NengoDL computes in float32 by default; nengo core (and the host side of
    # nengo_loihi, where Nodes run) in float64
    make_simulator.dtype = np.float32 if name == "nengo_dl" else np.float64
    return make_simulator


@pytest.fixture(scope="session")
def Simulator(request):
    """The simulator chosen with ``--simulator``, as a callable like ``nengo.Simulator``."""
    return load_simulator(request.config.getoption("--simulator"))


@pytest.fixture
def seed(request):
    """A seed that is fixed for each test (from its name), as nengo's plugin gives."""
    return zlib.adler32(request.node.nodeid.encode()) & 0x7FFFFFFF


@pytest.fixture
def rng(seed):
    return np.random.RandomState(seed)
