"""The former ``nengo_lmu.identity``: its names, now in `nengo_lmu.neurons.identity`.

Kept for this release so that existing code runs; import from the new
place.
"""

from nengo_lmu.neurons.identity import build_identity, Identity, identity_node

__all__ = ["Identity", "build_identity", "identity_node"]
