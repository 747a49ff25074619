"""Everything NengoLoihi: its signal paths, and the memory laid out for them.

- `nengo_lmu.loihi.paths`: `LoihiPath`, the transfer functions of
  NengoLoihi's decoded connections, and `simulator`, a NengoLoihi simulator
  whose model matches a path;
- `nengo_lmu.loihi.memory`: `LoihiLegendreMemoryNetwork`, the spiking
  memory mapped onto those paths;
- `nengo_lmu.loihi.decode_neurons`: decode neurons with more pairs per
  dimension than NengoLoihi's preset (imports ``nengo_loihi``; `model` loads
  it only for a path that asks for them);
- `nengo_lmu.loihi.energy`: an estimate of the chip's dynamic energy from
  Loihi's published per-event energies;
- `nengo_lmu.loihi.weight_rounding`: the bits of its 8-bit weights that each
  synapse of a NengoLoihi build keeps, and what forced the rest away;
- `nengo_lmu.loihi.rounding_offset`: the offset that the rounded recurrent
  decoders give the memory, computed from a build, and its correction
  (which `simulator` applies).

Only `simulator`, `model` and `rounding_offset` import ``nengo_loihi``
(lazily): this package imports without it.
"""

from nengo_lmu.loihi.memory import LoihiLegendreMemoryNetwork, decode_boost
from nengo_lmu.loihi.paths import DECODE_GAIN, LoihiPath, model, simulator
from nengo_lmu.loihi.rounding_offset import correct_rounding_offsets, rounding_offset
from nengo_lmu.loihi.weight_rounding import SynapseBits, weight_bits

__all__ = [
    "DECODE_GAIN",
    "LoihiLegendreMemoryNetwork",
    "LoihiPath",
    "SynapseBits",
    "correct_rounding_offsets",
    "decode_boost",
    "model",
    "rounding_offset",
    "simulator",
    "weight_bits",
]
