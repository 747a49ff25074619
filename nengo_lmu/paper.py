"""The former ``nengo_lmu.paper``: its names, now in `nengo_lmu.apps.paper`.

Kept for this release so that existing code runs; import from the new
place.
"""

from nengo_lmu.apps.paper import (
    PAPER_MODEL_FILE,
    evaluate_paper_model,
    paper_model_path,
    paper_network,
)

__all__ = [
    "PAPER_MODEL_FILE",
    "evaluate_paper_model",
    "paper_model_path",
    "paper_network",
]
