"""The former ``nengo_lmu.classifier``: its names, now in `nengo_lmu.cell.classifier`.

Kept for this release so that existing code runs; import from the new
place.
"""

from nengo_lmu.cell.classifier import NETWORK_ARGS, READOUT_NAMES, LMUClassifier

__all__ = ["LMUClassifier", "NETWORK_ARGS", "READOUT_NAMES"]
