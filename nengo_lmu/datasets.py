"""The former ``nengo_lmu.datasets``: its names, now in `nengo_lmu.apps.mnist`.

Kept for this release so that existing code runs; import from the new
place.
"""

from nengo_lmu.apps.mnist import (
    ENV_VAR,
    HOW_TO_GET,
    MIRRORS,
    MNIST_FILES,
    PERMUTATIONS,
    download_mnist,
    load_mnist,
    mnist_directory,
    psmnist,
)

__all__ = [
    "ENV_VAR",
    "HOW_TO_GET",
    "MIRRORS",
    "MNIST_FILES",
    "PERMUTATIONS",
    "download_mnist",
    "load_mnist",
    "mnist_directory",
    "psmnist",
]
