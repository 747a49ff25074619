"""The LMU in NIR, the Neuromorphic Intermediate Representation.

NIR (package ``nir``, ``pip install nengo-lmu[nir]``) is the exchange format
of today's neuromorphic platforms and spiking simulators. Its primitives are
continuous-time, as the LMU's derivation is: the memory
:math:`\\dot m = A m + B u` is an integrator with a linear feedback of
:math:`A` and an input weight :math:`B`.

- `to_nir` (`nengo_lmu.nir.export`): a nengo network as an NIR graph;
- `fold_synapses` (`nengo_lmu.nir.folding`): the graph with its synapses in
  ``CubaLIF`` neurons, the form that consumers run;
- `from_nir` (`nengo_lmu.nir.importer`): an NIR graph as a nengo network;
- `quantize_weights` (`nengo_lmu.nir.quantization`): the weights rounded to
  a chip's integers, to measure what that costs;
- `write`, `read` (`nengo_lmu.nir.files`): ``.nir`` files;
- `nengo_lmu.nir.neurons`: how neurons map, and where the semantics differ;
- `LinearSystem` (`nengo_lmu.nir.linear_system`): the exact step of an
  imported linear loop.

Importing this package needs ``nir``; the rest of nengo-lmu does not.
"""

try:
    import nir as _nir  # noqa: F401
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "nengo_lmu.nir needs the 'nir' package: pip install nengo-lmu[nir]"
    ) from error

from nengo_lmu.nir.export import to_nir
from nengo_lmu.nir.files import read, write
from nengo_lmu.nir.folding import fold_synapses
from nengo_lmu.nir.importer import from_nir
from nengo_lmu.nir.linear_system import LinearSystem
from nengo_lmu.nir.neurons import IntegrateAndFire
from nengo_lmu.nir.quantization import quantize_weights

__all__ = [
    "IntegrateAndFire",
    "LinearSystem",
    "fold_synapses",
    "from_nir",
    "quantize_weights",
    "read",
    "to_nir",
    "write",
]
