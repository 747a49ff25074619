"""Where the tests find MNIST and the LMU paper's model (never downloaded)."""

import os
from pathlib import Path

import pytest

from nengo_lmu.apps.mnist import ENV_VAR

# CI puts the data beside the checkout (../shared/data) and sets NENGO_LMU_DATA
DATA = Path(os.environ.get(ENV_VAR, Path(__file__).parents[2] / "shared" / "data"))
PAPER_MODEL = DATA / "lmu-paper" / "psMNIST-standard.hdf5"

needs_data = pytest.mark.skipif(
    not (DATA / "mnist").is_dir(),
    reason=f"MNIST not found in {DATA}: set {ENV_VAR} (CI provides it)",
)
