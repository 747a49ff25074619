"""Memory capacity, the LMU paper's task of recalling white noise T steps back.

- `nengo_lmu.apps.capacity.data`: the sequences, delays, split and the
  scored steps;
- `nengo_lmu.apps.capacity.lmu0`: the paper's untrained LMU ("LMU-0", the
  exact memory read out by Legendre decoders), simulated in nengo, and the
  same memory in spiking neurons;
- `nengo_lmu.apps.capacity.lstm`: the paper's LSTM baseline (Keras;
  TensorFlow imported when it runs);
- `nengo_lmu.apps.capacity.experiment`: the runs for each T (`QUICK`,
  `FULL`, the LSTM's `lstm_rows`) and their table;
- `nengo_lmu.apps.capacity.figure`: test MSE against the delay, as in the
  paper.
"""

from nengo_lmu.apps.capacity.data import DELAY_FRACTIONS, CapacityData, capacity_data
from nengo_lmu.apps.capacity.lmu0 import lmu0_mse, spiking_lmu0_mse

__all__ = [
    "DELAY_FRACTIONS",
    "CapacityData",
    "capacity_data",
    "lmu0_mse",
    "spiking_lmu0_mse",
]
