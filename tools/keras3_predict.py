"""Load a ``.keras`` file with Keras 3 and keras-lmu, and predict.

Run in the Keras 3 environment (``.venv-keras3``, ``make keras3``) by the
export tests: ``python tools/keras3_predict.py MODEL.keras INPUTS.npy
OUT.npy`` loads the model with ``keras.models.load_model`` (keras_lmu
imported, as a user would) and saves its predictions for the inputs.
"""

import sys

import numpy as np


def main(model_path, inputs_path, out_path):
    import keras
    import keras_lmu  # noqa: F401  (registers KerasLMU's layers with Keras)

    model = keras.models.load_model(model_path)
    np.save(out_path, model.predict(np.load(inputs_path), verbose=0))


if __name__ == "__main__":
    main(*sys.argv[1:4])
