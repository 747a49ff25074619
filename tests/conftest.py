"""Test fixtures in nengo's conventions, without nengo's pytest plugin.

``pytest --simulator nengo_dl`` (or ``nengo_loihi``) runs every test that
uses the ``Simulator`` fixture on that backend; the default is nengo core.
Tests that take no ``Simulator`` run only with the default: on the other
backends they are deselected, since they would only repeat that run.

A test that cannot run on a backend says why with a marker, which skips it
there with that reason::

    @pytest.mark.skip_on(nengo_loihi="Direct-mode ensembles do not run on a chip")

``xfail_on`` (same form) marks a known failure on a backend, strictly: the
test must fail there. Either marker can also sit on one parameter,
``pytest.param(..., marks=...)``, or on a module, ``pytestmark``.
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


# markers that name backends, and what each does to a test on those backends
BACKEND_MARKERS = {
    "skip_on": lambda reason: pytest.mark.skip(reason=reason),
    "xfail_on": lambda reason: pytest.mark.xfail(strict=True, reason=reason),
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "skip_on(**reasons): skip the test on each backend given as a keyword "
        "(nengo, nengo_dl, nengo_loihi); the keyword's value is the reason",
    )
    config.addinivalue_line(
        "markers",
        "xfail_on(**reasons): the test fails on each backend given as a keyword, "
        "for the reason given (strict: it must fail there)",
    )


def backend_reasons(item, name):
    """The reasons that ``item``'s ``name`` markers give, by backend."""
    reasons = {}
    for marker in item.iter_markers(name):
        unknown = set(marker.kwargs) - set(SIMULATORS)
        if marker.args or not marker.kwargs or unknown:
            raise pytest.UsageError(
                f"{item.nodeid}: {name} takes reasons keyed by backend "
                f"{SIMULATORS}, e.g. {name}(nengo_loihi='why'); got {marker}"
            )
        reasons = {**marker.kwargs, **reasons}  # the closest marker wins
    return reasons


def pytest_collection_modifyitems(config, items):
    """Mark tests unsupported on this backend; deselect those without a simulator."""
    backend = config.getoption("--simulator")
    selected, deselected = [], []
    for item in items:
        for name, mark in BACKEND_MARKERS.items():
            reason = backend_reasons(item, name).get(backend)
            if reason is not None:
                item.add_marker(mark(f"on {backend}: {reason}"))
        takes_simulator = "Simulator" in getattr(item, "fixturenames", ())
        (selected if takes_simulator or backend == "nengo" else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


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
    # spike noise relative to nengo core's: NengoLoihi rounds weights to 8 bits
    # and each neuron's spike interval to whole steps (a converted cell at 1000
    # Hz: NRMSE 0.04 against its rate twin in nengo, 0.24 on the emulator)
    make_simulator.spike_noise = 2.5 if name == "nengo_loihi" else 1.0
    return make_simulator


@pytest.fixture(scope="session")
def Simulator(request):
    """The simulator chosen with ``--simulator``, called like ``nengo.Simulator``."""
    return load_simulator(request.config.getoption("--simulator"))


@pytest.fixture
def seed(request):
    """A seed that is fixed for each test (from its name), as nengo's plugin gives."""
    return zlib.adler32(request.node.nodeid.encode()) & 0x7FFFFFFF


@pytest.fixture
def rng(seed):
    return np.random.RandomState(seed)
