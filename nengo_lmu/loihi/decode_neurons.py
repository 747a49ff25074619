"""Decode neurons with more on/off pairs per dimension than NengoLoihi's preset.

NengoLoihi passes every decoded connection between chip ensembles through
decode neurons: on/off pairs of non-leaky integrate-and-fire neurons per
dimension whose spike counts carry the decoded value. Its default,
``Preset10DecodeNeurons``, has ten pairs with intercepts and maximum rates
spread over fixed ranges; the spikes of so few neurons (about one per
dimension per step) are the largest noise in a recurrent memory on the
chip. `SpreadDecodeNeurons` spreads more pairs over the same ranges: more
spikes per dimension, the same transfer from value to rate. Importing this
module imports ``nengo_loihi``; `nengo_lmu.loihi.paths.model` does so only
when a `LoihiPath` asks for other than ten pairs.
"""

import numpy as np
from nengo_loihi.decode_neurons import OnOffDecodeNeurons, Preset10DecodeNeurons

# the ranges of NengoLoihi's Preset10DecodeNeurons, which found them by
# hyperparameter search
INTERCEPTS = (-1.171, 0.484)
MAX_RATES = (171.186, 74.620)


class SpreadDecodeNeurons(OnOffDecodeNeurons):
    """``pairs`` on/off pairs per dimension, spread like ``Preset10DecodeNeurons``'.

    Pair ``k`` has intercept and maximum rate at the ``k``-th of ``pairs``
    evenly spaced points of `INTERCEPTS` and `MAX_RATES`; the output scale
    makes a value of 1 decode as ``scale_factor`` (1.02, NengoLoihi's choice
    for its presets). With ``pairs=10`` the neurons are exactly
    ``Preset10DecodeNeurons``'.

    Parameters
    ----------
    pairs : int
        On/off pairs per dimension.
    dt : float
        The simulator's time step in seconds.
    """

    scale_factor = Preset10DecodeNeurons.scale_factor

    def __init__(self, pairs, dt=0.001):
        super().__init__(pairs_per_dim=pairs, dt=dt)
        intercepts = np.linspace(*INTERCEPTS, pairs)
        max_rates = np.linspace(*MAX_RATES, pairs)
        gain, bias = self.neuron_type.gain_bias(max_rates, intercepts)
        rate_at_one = np.sum(self.neuron_type.rates(1.0, gain, bias, dt=dt))
        self.scale = self.scale_factor / (self.dt * rate_at_one)
        # the same gain and bias for the on and the off neuron of a pair
        self.gain = gain.repeat(2)
        self.bias = bias.repeat(2)

    def __str__(self):
        return f"{type(self).__name__}(pairs={self.pairs_per_dim}, dt={self.dt:g})"
