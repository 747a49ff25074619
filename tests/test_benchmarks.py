"""The benchmark scripts' command lines: checked as a whole before anything runs."""

import importlib.util
from pathlib import Path

import nengo
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(name="delay")
def fixture_delay(monkeypatch):
    # the scripts import their shared helpers as a top-level module
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location("delay", BENCHMARKS / "delay.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_delay_signal_counts(delay):
    assert delay.parse_arguments([]).signals == 10
    assert delay.parse_arguments(["--quick"]).signals == 3
    # --quick shortens the signals but does not override an explicit count
    assert delay.parse_arguments(["--quick", "--signals", "5"]).signals == 5
    assert delay.parse_arguments(["--signals", "20"]).signals == 20
    assert delay.parse_arguments([]).name == "delay"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--signals", "0"], "--signals: must be a whole number >= 1, got '0'"),
        (["--signals", "2.5"], "--signals: must be a whole number >= 1, got '2.5'"),
        (["--quick", "--name", "mine"], "--quick writes none"),
        (["--simulators", "nengo_lohi"], "--simulators: invalid choice: 'nengo_lohi'"),
        (["--tasks", "C"], "--tasks: invalid choice: 'C'"),
        (["--loihi-tasks", "b"], "--loihi-tasks: invalid choice: 'b'"),
        (["--fitted-readout", "1"], "must outlast task A's window and transient"),
        (["--name", "../x"], "--name: must be a plain file name"),
    ],
)
def test_delay_refuses_bad_arguments(delay, argv, message, capsys):
    with pytest.raises(SystemExit) as raised:
        delay.parse_arguments(argv)
    assert raised.value.code == 2
    assert message in capsys.readouterr().err


def test_delay_simulator_names_have_factories(delay):
    # the command line's choices, the Loihi rows and the fitted-readout rows
    # all name simulators that the factory table can make
    names = set(delay.SIMULATOR_FACTORIES)
    assert set(delay.LOIHI_SIMULATORS) <= names
    assert set(delay.FITTED_READOUT_SIMULATORS) <= names
    assert delay.parse_arguments(["--simulators", *sorted(names)]).simulators
    make = delay.simulator_factory("nengo")
    with nengo.Network() as net:
        nengo.Node(1.0)
    with make(net, None) as sim:
        assert sim.dt == delay.DT
    with pytest.raises(
        ValueError, match="unknown simulator 'nengo_lohi'; known: nengo,"
    ):
        delay.simulator_factory("nengo_lohi")
