"""The former ``nengo_lmu.synapse_mapping``: its names, now elsewhere.

They are in `nengo_lmu.neurons.synapse_mapping`.

Kept for this release so that existing code runs; import from the new
place.
"""

from nengo_lmu.neurons.synapse_mapping import (
    discrete_transfer_function,
    map_continuous_lowpass,
    map_discrete_lowpass,
    map_discrete_synapse,
    node_filter,
    SynapseMapping,
)

__all__ = [
    "SynapseMapping",
    "discrete_transfer_function",
    "map_continuous_lowpass",
    "map_discrete_lowpass",
    "map_discrete_synapse",
    "node_filter",
]
