# `make test` and `make demo` set everything up on a fresh machine with
# Python 3.11: a local virtual environment with the pinned versions of
# constraints.txt, and the package installed with all its extras.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# MNIST and the LMU paper's model (never committed): NENGO_LMU_DATA, or the
# shared data folder beside the checkout
DATA ?= $(or $(NENGO_LMU_DATA),../shared/data)

# quiet TensorFlow's start-up logging
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: install test demo bench clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23" wheel
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dl,loihi,nir,tests]"
	touch $(STAMP)

# the independent NIR consumer (Norse on PyTorch) that tests/nir runs the
# exported graphs in, through files (tools/nir_consumer.py): its own
# environment, since PyTorch and TensorFlow 2.12 need different
# typing-extensions (about 40 s and 0.9 GB here)
NIR_VENV := .venv-nir
NIR_STAMP := $(NIR_VENV)/.installed
export NENGO_LMU_NIR_PYTHON := $(CURDIR)/$(NIR_VENV)/bin/python

.PHONY: nir-consumer
nir-consumer: $(NIR_STAMP)

$(NIR_STAMP): constraints-nir.txt
	test -x $(NIR_VENV)/bin/python || $(PYTHON) -m venv $(NIR_VENV)
	$(NIR_VENV)/bin/python -m pip install --quiet --upgrade "pip>=23"
	# torch first and pinned: a bare torch would pull a CUDA build of several GB
	$(NIR_VENV)/bin/python -m pip install --quiet -c constraints-nir.txt torch==2.13.0
	$(NIR_VENV)/bin/python -m pip install --quiet -c constraints-nir.txt norse nir nirtorch
	touch $(NIR_STAMP)

# KerasLMU 0.9 with Keras 3 and TensorFlow 2.19 (which cannot live beside
# TensorFlow 2.12): the export tests load nengo-lmu's .keras files in it
# (tools/keras3_predict.py), and `make keras-fixtures` makes the Keras 3 test
# fixtures with it (tools/make_keras_fixtures.py; committed in tests/io/keras3);
# about 2 minutes and 2.2 GB here
KERAS3_VENV := .venv-keras3
KERAS3_STAMP := $(KERAS3_VENV)/.installed
export NENGO_LMU_KERAS3_PYTHON := $(CURDIR)/$(KERAS3_VENV)/bin/python
KERAS_FIXTURES ?= tests/io/keras3

.PHONY: keras3 keras-fixtures
keras3: $(KERAS3_STAMP)

KERAS_LMU_08 := build/keras-lmu-0.8
keras-fixtures: $(KERAS3_STAMP)
	CUDA_VISIBLE_DEVICES=-1 $(KERAS3_VENV)/bin/python tools/make_keras_fixtures.py $(KERAS_FIXTURES)
	rm -rf $(KERAS_LMU_08)
	$(KERAS3_VENV)/bin/python -m pip install --quiet --no-deps --target $(KERAS_LMU_08) keras-lmu==0.8.0
	CUDA_VISIBLE_DEVICES=-1 PYTHONPATH=$(KERAS_LMU_08) $(KERAS3_VENV)/bin/python \
		tools/make_keras_fixtures.py $(KERAS_FIXTURES)/keras-lmu-0.8 \
		--only recurrent_all_connections,lmu_feedforward_dense,memory_only

$(KERAS3_STAMP): constraints-keras3.txt
	test -x $(KERAS3_VENV)/bin/python || $(PYTHON) -m venv $(KERAS3_VENV)
	$(KERAS3_VENV)/bin/python -m pip install --quiet --upgrade "pip>=23"
	$(KERAS3_VENV)/bin/python -m pip install --quiet -c constraints-keras3.txt tensorflow keras keras-lmu
	touch $(KERAS3_STAMP)

# the whole suite on nengo core, then every test that takes the Simulator
# fixture again on NengoDL and on the NengoLoihi emulator; tests/conftest.py
# deselects the others there, and skip_on / xfail_on markers say which tests
# a backend cannot run, and why. Two runs at a time (most tests use one
# core): the nengo suite beside the backends' and the core suite's; each
# run's output is printed whole when it ends (--output-sync)
.PHONY: test-nengo test-backends
test: $(STAMP) $(NIR_STAMP) $(KERAS3_STAMP)
	$(MAKE) --jobs=2 --keep-going --output-sync=target test-nengo test-backends

test-nengo: $(STAMP) $(NIR_STAMP) $(KERAS3_STAMP)
	NENGO_LMU_REQUIRE_NIR_CONSUMER=1 NENGO_LMU_REQUIRE_KERAS3=1 $(BIN)/python -m pytest tests -rsx

test-backends: $(STAMP)
	$(BIN)/python -m pytest tests -rsx -p no:cacheprovider --simulator nengo_dl
	$(BIN)/python -m pytest tests -rsx -p no:cacheprovider --simulator nengo_loihi
	bash tools/test_core.sh

# the suite that needs no TensorFlow, on Python 3.12 and 3.13 (where present;
# tools/test_core.sh says when one is not), each in its own environment with
# constraints-core.txt (about 3 minutes each here, the environments included)
.PHONY: test-core
test-core:
	bash tools/test_core.sh

# the documentation site in docs/_build/html, warnings as errors; the docs
# extra has its own stamp, so that `make test` does not install it
DOCS_STAMP := $(VENV)/.installed-docs

$(DOCS_STAMP): setup.cfg pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23" wheel
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[docs]"
	touch $(DOCS_STAMP)

.PHONY: docs
docs: $(DOCS_STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

# the psMNIST pipeline, quick settings (minutes): train on the parallel path,
# convert to spiking, evaluate; MNIST from $(DATA)
demo: $(STAMP)
	$(BIN)/nengo-lmu psmnist --data $(DATA) --out psmnist-output --force

bench: $(STAMP)
	$(BIN)/python benchmarks/memory_speed.py
	$(BIN)/python benchmarks/large_order_speed.py
	$(BIN)/python benchmarks/delay.py --simulators nengo nengo_dl nengo_loihi
	$(BIN)/python benchmarks/training_speed.py
	$(BIN)/python benchmarks/psmnist.py --data $(DATA)

clean:
	rm -rf $(VENV) $(NIR_VENV) $(KERAS3_VENV) .venv-py312 .venv-py313 *.egg-info .pytest_cache
