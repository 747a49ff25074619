"""The settings of a psMNIST run: the model, training and evaluations.

`QUICK` (the default of ``nengo-lmu psmnist``, minutes on 2 cores) and `FULL`
(the settings of the shipped model); `with_settings` applies the command
line's ``--set NAME=VALUE`` assignments.
"""

import dataclasses

import nengo
import numpy as np

from nengo_lmu.arguments import MAX_ORDER

NEURON_TYPES = {
    "relu": nengo.RectifiedLinear,
    "tanh": lambda: nengo.Tanh(tau_ref=1),
    # LIF rates without a refractory period (NIR's neurons have none), scaled
    # to outputs of order one
    "lif": lambda: nengo.LIFRate(tau_ref=0, amplitude=0.01),
}
MEMORY_NEURON_TYPES = {"spiking_relu": nengo.SpikingRectifiedLinear, "lif": nengo.LIF}


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything that defines a psMNIST run.

    ``n_*`` of None means the whole split (50,000 training, 10,000 test
    images).

    Parameters
    ----------
    units : int
        Hidden neurons of the `.LMUCell`.
    order : int
        Legendre coefficients of its memory; the window is the whole image,
        ``theta = 784 * steps_per_pixel * dt`` seconds.
    neuron_type : {"relu", "tanh", "lif"}
        The hidden neurons: ``RectifiedLinear()``, ``Tanh(tau_ref=1)``, or
        ``LIFRate(tau_ref=0, amplitude=0.01)``, a model for NIR's consumers
        (:doc:`/nir`).
    dropout : float
        Dropout on the hidden state, in training.
    input_dropout : float
        Dropout on the parallel inputs (the closed-form memory), in training.
    epochs : int
        Training epochs on the parallel path.
    batch_size : int
        Training minibatch size.
    learning_rate : float
        Adam's initial learning rate, decayed to zero on a cosine over the
        whole training.
    n_train : int or None
        Training images (the first ones of the training split).
    n_test_temporal : int or None
        Test images for the temporal network with rate neurons.
    n_test_spiking : int or None
        Test images for the spiking hidden state with the exact memory.
    n_test_neural_memory : int or None
        Test images for the memory in spiking neurons too.
    rate_scale : float
        Factor on the firing rates of the spiking hidden state
        (`.spiking_neuron_type`).
    readout : {"lowpass", "pixel_average"}
        How a spiking network's class scores are read: at the last step,
        through a lowpass of time constant ``synapse`` on the hidden
        neurons' spikes; or, with no synapse, averaged over the last
        ``steps_per_pixel`` steps (the readout is linear, so this reads the
        spikes of the last pixel alone, where a lowpass also weighs the
        earlier pixels' spikes, or, if short, very few spikes). Rate
        networks are read at the last step either way.
    n_test_window : int or None
        Test images for the spiking hidden state run over the last
        ``window`` steps only (`.TemporalEvaluation.evaluate_window`); None: all.
    window : int
        Steps of that run.
    n_test_loihi : int or None
        Test images for the hidden layer on the NengoLoihi emulator, the
        memory exact on the host (`nengo_lmu.apps.psmnist.loihi`); 0 skips
        it (``nengo-lmu psmnist --backend nengo_loihi`` sets it).
    synapse : float
        Lowpass time constant in seconds on the spiking neurons' outputs
        (with ``readout="lowpass"``).
        The readout is read at the last step, and a longer filter lags the
        hidden state's last changes (:doc:`/measurements`).
    memory_neurons : int
        Neurons per coefficient of the spiking memory.
    memory_neuron_type : {"spiking_relu", "lif"}
        The spiking memory's neurons. Non-leaky integrate-and-fire neurons
        (``SpikingRectifiedLinear``) pass on the integral of their input
        exactly, up to one spike; LIF neurons lag fast inputs, which the
        memory's recurrence amplifies (:doc:`/measurements`).
    memory_max_rate : float
        The spiking memory's neurons have maximum rates uniform in
        ``[memory_max_rate / 2, memory_max_rate]`` Hz (at most ``1 / dt``).
    memory_synapse : float
        The spiking memory's recurrent synapse in seconds.
    steps_per_pixel : int
        Steps each pixel is held for. The spiking readout averages over its
        synapse: holding each pixel for 5 steps keeps the hidden state nearly
        constant over that window (:doc:`/measurements`).
    dt : float
        The time step in seconds.
    minibatch_size : int
        Test images simulated together in evaluation.
    seed : int
        Seed of the networks and of TensorFlow.
    permutation : {"paper", "keras"}
        The pixel order and split (`.datasets.psmnist`).
    """

    units: int = 1024
    order: int = 512
    neuron_type: str = "relu"
    dropout: float = 0.5
    input_dropout: float = 0.25
    epochs: int = 60
    batch_size: int = 100
    learning_rate: float = 1e-3
    n_train: int = None
    n_test_temporal: int = 1000
    n_test_spiking: int = 1000
    n_test_neural_memory: int = 100
    rate_scale: float = 1000.0
    readout: str = "lowpass"
    n_test_window: int = None
    window: int = 50
    n_test_loihi: int = 0
    synapse: float = 0.002
    memory_neurons: int = 200
    memory_neuron_type: str = "spiking_relu"
    memory_max_rate: float = 900.0
    memory_synapse: float = 0.05
    steps_per_pixel: int = 5
    dt: float = 0.001
    minibatch_size: int = 200
    seed: int = 0
    permutation: str = "paper"

    def __post_init__(self):
        choices = {
            "neuron_type": NEURON_TYPES,
            "memory_neuron_type": MEMORY_NEURON_TYPES,
            "permutation": ("paper", "keras"),
            "readout": ("lowpass", "pixel_average"),
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"Settings.{name}={getattr(self, name)!r}: must be one of "
                    f"{sorted(allowed)}"
                )
        self._check_numbers()
        if self.window < 1:
            raise ValueError(f"Settings.window={self.window}: must be >= 1 step")
        if not 0 < self.memory_max_rate <= 1 / self.dt:
            raise ValueError(
                f"Settings.memory_max_rate={self.memory_max_rate}: must be in "
                f"(0, 1 / dt] = (0, {1 / self.dt:g}] Hz (one spike a step at most)"
            )

    def _check_numbers(self):
        """Refuse counts, rates and times outside their ranges, by name."""

        def refuse(name, what):
            raise ValueError(f"Settings.{name}={getattr(self, name)!r}: must be {what}")

        def is_int(value):
            return isinstance(value, (int, np.integer)) and not isinstance(value, bool)

        for name in COUNTS:
            if not is_int(getattr(self, name)) or getattr(self, name) < 1:
                refuse(name, "an integer >= 1")
        if self.order > MAX_ORDER:
            refuse("order", f"at most {MAX_ORDER}")
        if self.n_train is not None and (not is_int(self.n_train) or self.n_train < 1):
            refuse("n_train", "an integer >= 1, or None for all the training images")
        for name in IMAGE_COUNTS:
            value = getattr(self, name)
            if value is not None and (not is_int(value) or value < 0):
                refuse(name, "an integer >= 0 (0 skips the stage), or None for all")
        for name in POSITIVE:
            value = getattr(self, name)
            if isinstance(value, bool) or not (
                isinstance(value, (int, float, np.number))
                and np.isfinite(value)
                and value > 0
            ):
                refuse(name, "a finite number > 0")
        for name in ("dropout", "input_dropout"):
            if not 0 <= getattr(self, name) < 1:
                refuse(name, "a fraction in [0, 1)")
        if not is_int(self.seed):
            refuse("seed", "an integer")


# the fields that are counts (>= 1), numbers of test images (>= 0, or None
# for all) and positive numbers
COUNTS = (
    "units",
    "order",
    "epochs",
    "batch_size",
    "window",
    "memory_neurons",
    "steps_per_pixel",
    "minibatch_size",
)
IMAGE_COUNTS = (
    "n_test_temporal",
    "n_test_spiking",
    "n_test_neural_memory",
    "n_test_window",
    "n_test_loihi",
)
POSITIVE = (
    "learning_rate",
    "rate_scale",
    "synapse",
    "memory_max_rate",
    "memory_synapse",
    "dt",
)

QUICK = Settings(
    units=256,
    order=256,
    epochs=3,
    n_train=20000,
    n_test_temporal=200,
    n_test_spiking=200,
    n_test_window=1000,
    n_test_neural_memory=20,
    minibatch_size=100,
)
FULL = Settings()


def with_settings(settings, assignments):
    """``settings`` with ``--set`` assignments (``["units=16", ...]``) applied.

    Parameters
    ----------
    settings : Settings
        The settings to start from.
    assignments : list of str
        ``NAME=VALUE`` strings; each value is converted to the field's type
        (``None`` for None).

    Returns
    -------
    Settings
        A new settings object.

    Raises
    ------
    SystemExit
        With a message naming the assignment, for an unknown field or a value
        that `Settings` refuses.
    """
    fields = {f.name: f for f in dataclasses.fields(settings)}
    overrides = {}
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        if name not in fields or not value:
            raise SystemExit(
                f"--set {assignment!r}: expected NAME=VALUE with NAME one of "
                f"{sorted(fields)}"
            )
        default = getattr(settings, name)
        kind = type(default) if default is not None else int
        try:
            overrides[name] = None if value == "None" else kind(value)
        except ValueError:
            raise SystemExit(
                f"--set {assignment!r}: {name} must be of type {kind.__name__} "
                f"(it is {default!r} now)"
            ) from None
    try:
        return dataclasses.replace(settings, **overrides)
    except ValueError as error:
        raise SystemExit(f"--set: {error}") from None


def progress(message, verbose):
    """Print ``message`` if ``verbose`` (a pipeline's progress).

    Parameters
    ----------
    message : str
        What to print.
    verbose : bool
        Whether to print it.
    """
    if verbose:
        print(message, flush=True)
