"""Mackey-Glass prediction, the LMU paper's chaotic time series task.

- `nengo_lmu.apps.mackey_glass.data`: the series, integrated from the delay
  equation, and the corrected task (predict 15 steps ahead) with its split
  and baseline;
- `nengo_lmu.apps.mackey_glass.models`: the paper's models built in Nengo
  (the stacked LMU, `lmu_stack`, with the paper's parameter count).
"""

from nengo_lmu.apps.mackey_glass.data import (
    BASELINE_NRMSE,
    mackey_glass_series,
    mackey_glass_task,
    nrmse,
)

__all__ = ["BASELINE_NRMSE", "mackey_glass_series", "mackey_glass_task", "nrmse"]
