"""The Legendre memory in neuron ensembles.

- `nengo_lmu.neurons.network`: `LegendreMemoryNetwork`, the memory in
  recurrently connected ensembles (the layout for nengo and NengoDL);
- `nengo_lmu.neurons.scaling`: each coefficient's scale onto the ensembles'
  range, and axis-aligned encoders for grouped ensembles;
- `nengo_lmu.neurons.synapse_mapping`: the discrete system mapped onto a
  synapse (the NEF's third principle, synapse-aware);
- `nengo_lmu.neurons.identity`: a passthrough node with a filter-free copy;
- `nengo_lmu.neurons.simulator_check`: the output node that refuses, when it
  is built, a simulator that its network was not laid out for.
"""

from nengo_lmu.neurons.identity import Identity, identity_node
from nengo_lmu.neurons.network import MAPPINGS, LegendreMemoryNetwork, layout_for
from nengo_lmu.neurons.scaling import (
    SCALING_MARGIN,
    AxisEncoders,
    coefficient_bounds,
    coefficient_peaks,
)
from nengo_lmu.neurons.synapse_mapping import (
    SynapseMapping,
    discrete_transfer_function,
    map_continuous_lowpass,
    map_discrete_lowpass,
    map_discrete_synapse,
    node_filter,
)

__all__ = [
    "MAPPINGS",
    "SCALING_MARGIN",
    "AxisEncoders",
    "Identity",
    "LegendreMemoryNetwork",
    "SynapseMapping",
    "coefficient_bounds",
    "coefficient_peaks",
    "discrete_transfer_function",
    "identity_node",
    "layout_for",
    "map_continuous_lowpass",
    "map_discrete_lowpass",
    "map_discrete_synapse",
    "node_filter",
]
