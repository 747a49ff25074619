"""Bad input refused where it enters, by name (issue 18's second probe).

Each case once passed without a word (nan, inf or complex values, a dt of
zero) or failed with an error that did not name the argument (an
AttributeError, a numpy MemoryError, a nengo SignalError at build time).
"""

import nengo
import numpy as np
import pytest
from nengo.builder import Signal
from nengo.exceptions import ValidationError

from nengo_lmu import (
    LegendreMemory,
    LegendreMemoryNetwork,
    LMUCell,
    LMUClassifier,
    discretize,
    impulse_response,
    legendre_readout,
    lmu_matvec,
    lmu_system,
    memory_trajectory,
)
from nengo_lmu.apps.capacity.lmu0 import lmu0_mse
from nengo_lmu.apps.mackey_glass.data import nrmse
from nengo_lmu.apps.mnist import load_mnist
from nengo_lmu.apps.psmnist.pipeline import Pipeline
from nengo_lmu.cell.conversion import convert_to_spiking, spiking_neuron_type
from nengo_lmu.cell.parallel import ParallelLayout, fold_normalization, normalization
from nengo_lmu.cell.weights import glorot_uniform, orthogonal
from nengo_lmu.io import npz
from nengo_lmu.io.paper_model import sha256
from nengo_lmu.legendre import pade_exp
from nengo_lmu.memory.operator import SimLegendreMemory, uses_structured_step
from nengo_lmu.neurons.identity import Identity
from nengo_lmu.neurons.scaling import coefficient_bounds, coefficient_peaks
from nengo_lmu.neurons.synapse_mapping import (
    map_discrete_lowpass,
    map_discrete_synapse,
    node_filter,
)

Ad, Bd = discretize(*lmu_system(4, 1.0), 0.01)


def cell(**kwargs):
    return LMUCell(4, 3, 0.05, 1, add_to_container=False, **kwargs)


def cell_weights(**replaced):
    return {**cell().get_weights(), **replaced}


def parallel_cell():
    return cell(hidden_to_hidden=False, parallel=True)


def signal(n=3):
    return Signal(np.zeros(n))


with_nan = np.r_[np.zeros(5), np.nan, np.zeros(5)]

REFUSED = [
    # non-finite and complex arrays, where they enter
    (
        "hidden_kernel",
        lambda: cell(weights=cell_weights(hidden_kernel=np.ones((4, 4)) * 1j)),
    ),
    (
        "hidden_kernel",
        lambda: cell(weights=cell_weights(hidden_kernel=np.full((4, 4), np.inf))),
    ),
    (
        "hidden_kernel",
        lambda: cell(weights=cell_weights(hidden_kernel=np.full((4, 4), np.nan))),
    ),
    (
        "x: must be real, finite numbers; it holds",
        lambda: parallel_cell().parallel_input(with_nan.reshape(1, -1, 1)),
    ),
    (
        "u: must be real, finite numbers; it holds",
        lambda: memory_trajectory(with_nan, Ad, Bd),
    ),
    (
        "u: must be real, finite numbers; it is complex",
        lambda: memory_trajectory(np.ones(10) * 1j, Ad, Bd),
    ),
    (
        "Ad: must be real, finite numbers; it holds",
        lambda: impulse_response(Ad * np.nan, Bd, 10),
    ),
    (
        "A: must be real, finite numbers; it holds",
        lambda: discretize(Ad * np.nan, Bd, 0.01),
    ),
    (
        "A: must be real, finite numbers; it is complex",
        lambda: discretize(Ad * 1j, Bd, 0.01),
    ),
    (
        "m: must be real, finite numbers; it holds",
        lambda: lmu_matvec(np.array([1.0, np.nan, 0]), 1.0),
    ),
    (
        "features: must be real, finite numbers; it holds",
        lambda: normalization(parallel_cell(), np.full((10, 4), np.nan)),
    ),
    (
        "predicted: must be real, finite numbers; it holds",
        lambda: nrmse(np.full(5, np.nan), np.arange(5.0)),
    ),
    ("target: must not be all zeros", lambda: nrmse(np.ones(5), np.zeros(5))),
    # counts, steps and sizes
    ("n_steps: .* would take 298 GiB", lambda: impulse_response(Ad, Bd, 10**10)),
    (
        "Bd: must have shape \\(4, k\\)",
        lambda: impulse_response(Ad, np.zeros((5, 1)), 10),
    ),
    (
        "steps: must be an integer from -10 to 9",
        lambda: memory_trajectory(np.ones(10), Ad, Bd, steps=[50]),
    ),
    (
        "steps: must be an integer, got 1.5",
        lambda: memory_trajectory(np.ones(10), Ad, Bd, steps=[1.5]),
    ),
    (
        "steps: must be an integer from -10 to 9",
        lambda: parallel_cell().parallel_input(np.zeros((1, 10, 1)), steps=[50]),
    ),
    ("theta: must be a finite number > 0", lambda: lmu_matvec(np.ones(3), 0)),
    ("m: must have the Legendre coefficients", lambda: lmu_matvec(np.zeros(0), 1.0)),
    ("numerator_degree: must be an integer, got True", lambda: pade_exp(True, 2)),
    (
        "numerator_degree: must be an integer from 0 to 20",
        lambda: pade_exp(10**6, 10**6),
    ),
    ("denominator_degree: must be an integer from 1 to 20", lambda: pade_exp(2, -3)),
    ("r: must be real, finite numbers", lambda: legendre_readout(4, "a")),
    ("input_d: must be an integer >= 1", lambda: ParallelLayout(0, 4, False)),
    ("order: must be an integer from 1", lambda: ParallelLayout(1, 0, False)),
    ("use_bias: must be True or False", lambda: ParallelLayout(1, 4, "yes")),
    ("rng: must be a numpy RandomState", lambda: glorot_uniform("abc", (3, 3))),
    (
        "shape: must be an integer >= 1, got -1",
        lambda: glorot_uniform(np.random.RandomState(0), (-1, 3)),
    ),
    (
        "shape: must be two positive integers",
        lambda: orthogonal(np.random.RandomState(0), (3,)),
    ),
    ("cell: must be an LMUCell", lambda: normalization("abc", np.zeros((10, 4)))),
    (
        "scale: must be > 0 everywhere",
        lambda: fold_normalization(
            parallel_cell(), parallel_cell().get_weights(), np.zeros(4), np.zeros(4)
        ),
    ),
    (
        "mean: must have the cell's parallel_size",
        lambda: fold_normalization(
            parallel_cell(), parallel_cell().get_weights(), np.zeros(99), np.ones(99)
        ),
    ),
    # time steps and windows named as what they are
    ("dt: must be a finite number > 0", lambda: map_discrete_lowpass(Ad, Bd, 0.1, 0)),
    (
        "dt: must be a finite number > 0",
        lambda: map_discrete_synapse(Ad, Bd, nengo.Lowpass(0.1), -0.001),
    ),
    ("linear_filter: must be a discrete", lambda: node_filter("abc")),
    (
        "Ad: .* has not decayed",
        lambda: coefficient_bounds(Ad * 1.5, Bd, max_steps=10**4),
    ),
    ("tol: must be a finite number > 0", lambda: coefficient_bounds(Ad, Bd, tol=-1)),
    (
        "max_steps: must be an integer >= 1",
        lambda: coefficient_bounds(Ad, Bd, max_steps=0),
    ),
    (
        "dt: must be a finite number > 0",
        lambda: coefficient_peaks(
            Ad, Bd, nengo.processes.WhiteSignal(10, 5), seconds=1, dt=0
        ),
    ),
    (
        "seconds: must be a finite number > 0",
        lambda: coefficient_peaks(
            Ad, Bd, nengo.processes.WhiteSignal(10, 5), seconds=0
        ),
    ),
    (
        "signal: must be a nengo.Process",
        lambda: coefficient_peaks(Ad, Bd, "bogus", seconds=1),
    ),
    (
        "process: must be a LegendreMemory",
        lambda: SimLegendreMemory("abc", 0.001, signal(1), signal(4), signal(5)),
    ),
    (
        "dt: must be a finite number > 0",
        lambda: SimLegendreMemory(
            LegendreMemory(4, 0.05), 0, signal(1), signal(4), signal(5)
        ),
    ),
    (
        "input: must have shape \\(1,\\)",
        lambda: SimLegendreMemory(
            LegendreMemory(4, 0.05), 0.001, signal(3), signal(7), signal(2)
        ),
    ),
    # the networks' arguments
    (
        "dropout: must be a number in \\[0, 1\\)",
        lambda: LMUClassifier(3, 4, 3, 0.05, dropout=-0.1, add_to_container=False),
    ),
    (
        "dropout: must be a number in \\[0, 1\\)",
        lambda: LMUClassifier(3, 4, 3, 0.05, dropout=np.nan, add_to_container=False),
    ),
    (
        "readout_synapse: must be None, a nengo synapse",
        lambda: LMUClassifier(
            3, 4, 3, 0.05, readout_synapse=np.nan, add_to_container=False
        ),
    ),
    (
        "n_classes: must be an integer, got True",
        lambda: LMUClassifier(True, 4, 3, 0.05, add_to_container=False),
    ),
    (
        "readout_bias",
        lambda: LMUClassifier(
            3,
            4,
            3,
            0.05,
            weights={
                **LMUClassifier(3, 4, 3, 0.05, add_to_container=False).get_weights(),
                "readout_bias": np.ones(3) * 1j,
            },
            add_to_container=False,
        ),
    ),
    (
        "memory_kwargs: must be a dict",
        lambda: cell(memory="neurons", memory_kwargs="abc"),
    ),
    (
        "ensemble_kwargs: must be a dict",
        lambda: LegendreMemoryNetwork(
            3, 0.1, 20, ensemble_kwargs="abc", add_to_container=False
        ),
    ),
    (
        "ensemble_kwargs: \\['bogus'\\] are not nengo.Ensemble",
        lambda: LegendreMemoryNetwork(
            3, 0.1, 20, ensemble_kwargs={"bogus": 1}, add_to_container=False
        ),
    ),
    (
        "neuron_type: .*nengo.LIF\\(\\) instead of the string 'LIF'",
        lambda: cell(neuron_type="LIF"),
    ),
    (
        "neuron_type: .*nengo.LIF\\(\\) instead of the class",
        lambda: LegendreMemoryNetwork(
            3, 0.1, 20, neuron_type=nengo.LIF, add_to_container=False
        ),
    ),
    # conversion
    (
        "neuron_type: must be a nengo neuron type instance",
        lambda: spiking_neuron_type("LIF"),
    ),
    (
        "neuron_type: must be a nengo neuron type instance",
        lambda: spiking_neuron_type(None),
    ),
    (
        "rate_scale: must be a finite number > 0",
        lambda: spiking_neuron_type(nengo.RectifiedLinear(), np.inf),
    ),
    (
        "rate_scale: must be 1 for AdaptiveLIFRate",
        lambda: spiking_neuron_type(nengo.AdaptiveLIFRate(), 10),
    ),
    ("network: must be a nengo.Network", lambda: convert_to_spiking("abc")),
    (
        "synapse: must be None, a nengo synapse",
        lambda: convert_to_spiking(nengo.Network(), synapse=-1),
    ),
    (
        "memory_kwargs: must be a dict",
        lambda: convert_to_spiking(nengo.Network(), memory_kwargs="abc"),
    ),
    # saving: only what loading accepts
    ("parameters: must be a dict", lambda: npz.save_parameters("x.npz", "abc", {})),
    (
        "parameters: 'w' holds 2 nan or inf",
        lambda: npz.save_parameters("x.npz", {"w": np.full(2, np.nan)}, {}),
    ),
    (
        "parameters: 'w' is not an array",
        lambda: npz.save_parameters("x.npz", {"w": [np.zeros(2), np.zeros(3)]}, {}),
    ),
    (
        "metadata: must be a dict",
        lambda: npz.save_parameters("x.npz", {"w": np.zeros(2)}, "abc"),
    ),
    (
        "metadata: must be JSON-serialisable",
        lambda: npz.save_parameters("x.npz", {"w": np.zeros(2)}, {"s": {1, 2}}),
    ),
    (
        "weights: .*'hidden_kernel' holds 16 nan",
        lambda: cell().save(
            "x.npz", weights=cell_weights(hidden_kernel=np.full((4, 4), np.nan))
        ),
    ),
    ("path: must be a file's path", lambda: npz.load_parameters(None)),
]


@pytest.mark.parametrize(
    "message, make", REFUSED, ids=[f"{i}-{m[:30]}" for i, (m, _) in enumerate(REFUSED)]
)
def test_bad_input_is_refused_by_name(message, make, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the saving cases would write into it
    with pytest.raises(ValidationError, match=message):
        make()
    assert not list(tmp_path.iterdir())


def test_save_parameters_refuses_a_folder(tmp_path):
    (tmp_path / "model.npz").mkdir()
    with pytest.raises(ValidationError, match="is a folder; name a file"):
        npz.save_parameters(tmp_path / "model", {"w": np.zeros(2)}, {})
    with pytest.raises(ValidationError, match="is a folder; name a file"):
        npz.save_parameters(tmp_path, {"w": np.zeros(2)}, {})
    assert not (tmp_path.parent / (tmp_path.name + ".npz")).exists()


def test_adaptive_lif_keeps_its_adaptation():
    rate = nengo.AdaptiveLIFRate(tau_n=0.5, inc_n=0.02, tau_rc=0.03, tau_ref=0.003)
    spiking, gain_scale = spiking_neuron_type(rate)
    assert type(spiking) is nengo.AdaptiveLIF and gain_scale == 1
    assert (spiking.tau_n, spiking.inc_n, spiking.tau_rc, spiking.tau_ref) == (
        0.5,
        0.02,
        0.03,
        0.003,
    )
    with nengo.Network() as net:
        LMUCell(4, 3, 0.05, 1, neuron_type=nengo.AdaptiveLIFRate())
    convert_to_spiking(net)
    assert [type(e.neuron_type) for e in net.all_ensembles] == [nengo.AdaptiveLIF]


def test_a_subclass_of_a_table_type_is_not_taken_for_it():
    class Leaky(nengo.RectifiedLinear):
        """A subclass with its own response, which the table's counterpart
        (SpikingRectifiedLinear with scaled gains) would drop."""

        def step(self, dt, J, output):
            output[...] = 0.5 * np.maximum(J, 0)

    assert isinstance(spiking_neuron_type(Leaky())[0], nengo.RegularSpiking)
    with pytest.raises(ValidationError, match="cannot scale the firing rates"):
        spiking_neuron_type(Leaky(), rate_scale=10)


def test_a_connection_memory_refuses_another_time_step_when_built():
    with nengo.Network() as net:
        made = LMUCell(4, 3, 0.05, 1, memory="connections", dt=0.002)
    with pytest.raises(ValidationError, match="LMUCell.dt: .*dt=0.002 s, but the"):
        nengo.Simulator(net, progress_bar=False)
    with nengo.Simulator(net, dt=0.002, progress_bar=False) as sim:
        sim.run_steps(2)
    assert made.dt == 0.002


MORE_REFUSED = [
    ("units: the weights of 1000000 units .* GiB", lambda: cell_of(10**6)),
    ("method: must be one of", lambda: discretize(*lmu_system(4, 1.0), 0.01, "bogus")),
    ("u: must have steps", lambda: memory_trajectory(np.zeros(0), Ad, Bd)),
    ("shapes: must be a dict", lambda: npz.check_parameters({"w": np.zeros(2)}, "abc")),
    ("process: must be a LegendreMemory", lambda: uses_structured_step("abc")),
    ("Identity.size: must be an integer", lambda: Identity(True)),
    ("path: must be a file's path", lambda: sha256(None)),
    ("path: must be a file's path", lambda: load_mnist(3)),
    ("settings: must be a psMNIST Settings", lambda: Pipeline("abc")),
    ("data: must be the task's CapacityData", lambda: lmu0_mse("abc")),
]


def cell_of(units):
    return LMUCell(units, 3, 0.05, 1, add_to_container=False)


@pytest.mark.parametrize(
    "message, make", MORE_REFUSED, ids=[m[:30] for m, _ in MORE_REFUSED]
)
def test_more_bad_input_is_refused_by_name(message, make):
    with pytest.raises(ValidationError, match=message):
        make()


def test_the_nir_and_nengo_dl_helpers_refuse_bad_input_by_name():
    pytest.importorskip("nir")
    import nengo_lmu.nir as lnir

    with pytest.raises(ValidationError, match="graph: must be a nir.NIRGraph"):
        lnir.fold_synapses("abc")
    with pytest.raises(ValidationError, match="amplitude: must be a finite"):
        lnir.IntegrateAndFire(amplitude=np.nan)
    pytest.importorskip("nengo_dl")
    import nengo_lmu.dl as ldl

    with nengo.Network() as net:
        stim = nengo.Node(np.zeros(1))
        made = LMUClassifier(3, 4, 3, 0.05)
        nengo.Connection(stim, made.input, synapse=None)
        probe = nengo.Probe(made.output)
    for kwargs, message in (
        (dict(minibatch_size=0), "minibatch_size: must be an integer >= 1"),
        (dict(minibatch_size=2, n_steps=0), "n_steps: must be an integer >= 1"),
    ):
        with pytest.raises(ValidationError, match=message):
            ldl.predict(net, {stim: np.zeros((2, 5, 1))}, probe, **kwargs)
    for x, message in (
        (np.full((2, 5, 1), np.nan), "inputs: must be real, finite numbers; it holds"),
        (np.zeros((2, 5, 3)), "inputs: the array for .* must have shape"),
    ):
        with pytest.raises(ValidationError, match=message):
            ldl.predict(net, {stim: x}, probe, minibatch_size=2)


def test_nengo_dls_soft_lif_converts_to_lif():
    nengo_dl = pytest.importorskip("nengo_dl")
    soft = nengo_dl.SoftLIFRate(sigma=0.02, tau_rc=0.03, tau_ref=0.003)
    spiking, gain_scale = spiking_neuron_type(soft)
    assert type(spiking) is nengo.LIF and gain_scale == 1
    assert (spiking.tau_rc, spiking.tau_ref) == (0.03, 0.003)


def test_more_refusals_after_review():
    with pytest.raises(ValidationError, match="Bd: must have one column"):
        coefficient_bounds(Ad, np.ones((4, 2)))
    with pytest.raises(ValidationError, match="for example nengo.LIF\\(\\), not 'lif'"):
        cell(neuron_type="lif")
    with pytest.raises(ValidationError, match="Ad: must be a non-empty square"):
        impulse_response(np.zeros((0, 0)), np.zeros((0, 1)), 3)
