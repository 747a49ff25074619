"""Mackey-Glass prediction, the LMU paper's chaotic time series task.

- `nengo_lmu.apps.mackey_glass.data`: the series, integrated from the delay
  equation, and the corrected task (predict 15 steps ahead) with its split
  and baseline;
- `nengo_lmu.apps.mackey_glass.models`: the paper's models built in Nengo
  (the stacked LMU, the LSTM and the hybrid baselines), with the paper's
  parameter counts;
- `nengo_lmu.apps.mackey_glass.lstm`: LSTM layers in NengoDL (Keras'
  ``LSTMCell`` in a TensorNode, its state fed back a step later);
- `nengo_lmu.apps.mackey_glass.training`: training any of them in NengoDL
  as the paper did, the best validation epoch kept, resumable;
- `nengo_lmu.apps.mackey_glass.spiking`: the trained LMU with spiking
  hidden neurons, measured, and fine-tuned through its spikes;
- `nengo_lmu.apps.mackey_glass.experiment`: the three trained alike
  (`QUICK`, `FULL`) and their table; `nengo_lmu.apps.mackey_glass.figure`:
  their validation NRMSE by epoch.
"""

from nengo_lmu.apps.mackey_glass.data import (
    BASELINE_NRMSE,
    mackey_glass_series,
    mackey_glass_task,
    nrmse,
)

__all__ = ["BASELINE_NRMSE", "mackey_glass_series", "mackey_glass_task", "nrmse"]
