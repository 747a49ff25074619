"""Spike-aware training in NengoDL: spikes forward, the rate's gradient back.

NengoDL trains a spiking neuron through its rate approximation: during
training the neurons output their rates and their states stand still, so
the network that is trained never sees its own spikes. A network whose
trained weights amplify small errors then works with rates and fails with
spikes (the Mackey-Glass LMU: :doc:`/mackey_glass`).

`StraightThroughRegularSpikingBuilder` builds ``nengo.RegularSpiking``
neurons (the spiking type of `.convert_to_spiking`) so that training runs
the spikes too. Its output is

.. math::

    y = r + \\operatorname{sg}(s - r),

with :math:`r` the base type's rate times the amplitude, :math:`s` the
spikes of that step (times the amplitude, over ``dt``) and
:math:`\\operatorname{sg}` TensorFlow's ``stop_gradient``: the forward pass
is the spiking network's, the gradient the rate's (a straight-through
estimator). The voltage is integrated in training as it is in inference.

Like `.fast_dot_products`, it is opt-in and scoped: simulators constructed
inside `spike_aware_training` use it for their whole life; others are
untouched.
"""

import contextlib

import tensorflow as tf
from nengo_dl.neuron_builders import RegularSpikingBuilder, SimNeuronsBuilder
from nengo_dl import compat


class StraightThroughRegularSpikingBuilder(RegularSpikingBuilder):
    """``RegularSpiking`` neurons that spike in training too (see the module)."""

    def build_step(self, signals, **step_kwargs):
        """One step: spikes forward, the rate's gradient.

        Parameters
        ----------
        signals : nengo_dl.signals.SignalDict
            NengoDL's signals.
        **step_kwargs
            Unused (NengoDL's signature).
        """
        rate = signals.gather(self.J_data)
        voltage = signals.gather(self.state_data["voltage"])
        spikes, voltage = self.step(rate, signals.dt, voltage)
        scaled = rate if self.amplitude is None else rate * self.amplitude
        signals.scatter(self.output_data, scaled + tf.stop_gradient(spikes - scaled))
        signals.scatter(self.state_data["voltage"], tf.stop_gradient(voltage))


@contextlib.contextmanager
def spike_aware_training():
    """Build the NengoDL simulators created inside with spike-aware training.

    ``RegularSpiking`` neurons of those simulators are built by
    `StraightThroughRegularSpikingBuilder`; NengoDL's own builder is back
    on leaving the block::

        with nengo_lmu.dl.spike_aware_training():
            sim = nengo_dl.Simulator(net)
        sim.fit(...)  # trains through the spikes

    Yields
    ------
    None
    """
    table = SimNeuronsBuilder.TF_NEURON_IMPL
    previous = table[compat.RegularSpiking]
    table[compat.RegularSpiking] = StraightThroughRegularSpikingBuilder
    try:
        yield
    finally:
        table[compat.RegularSpiking] = previous
