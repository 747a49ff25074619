"""The former ``nengo_lmu.parallel``: its names, now in `nengo_lmu.cell.parallel`.

Kept for this release so that existing code runs; import from the new
place.
"""

from nengo_lmu.cell.parallel import fold_normalization, normalization

__all__ = ["fold_normalization", "normalization"]
