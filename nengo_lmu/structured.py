"""The former ``nengo_lmu.structured``: its names, now in `nengo_lmu.memory.structured`.

Kept for this release so that existing code runs; import from the new
place.
"""

from nengo_lmu.memory.structured import STRUCTURED_METHODS, structured_update

__all__ = ["STRUCTURED_METHODS", "structured_update"]
