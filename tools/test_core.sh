#!/usr/bin/env bash
# The test suite that needs no TensorFlow on Python 3.12 and 3.13, each in
# its own environment (.venv-py312, .venv-py313) with constraints-core.txt:
# nengo, numpy and scipy and the tests' own needs, no extras. Tests that need
# NengoDL or NengoLoihi skip there, saying so. An interpreter that is not
# installed (pyenv's, or pythonX.Y on the PATH) is reported and skipped.
set -u
status=0
for version in 3.12 3.13; do
    python=""
    for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/python; do
        [ -x "$candidate" ] && python="$candidate"
    done
    [ -z "$python" ] && python="$(command -v "python$version" || true)"
    if [ -z "$python" ]; then
        echo "== Python $version: not found (no pyenv version, no python$version): the core suite was not run on it"
        continue
    fi
    venv=".venv-py${version/./}"
    start=$SECONDS
    # the environment is remade when the pins or the package's metadata change
    wanted="$(cat constraints-core.txt setup.cfg | sha256sum | cut -c1-16)"
    if [ "$(cat "$venv/.installed" 2>/dev/null)" != "$wanted" ]; then
        "$python" -m venv "$venv" &&
            "$venv/bin/python" -m pip install --quiet --upgrade "pip>=23" &&
            "$venv/bin/python" -m pip install --quiet -c constraints-core.txt -e . \
                "pytest>=7,<8" h5py numpydoc matplotlib nir build &&
            echo "$wanted" > "$venv/.installed" || { echo "== Python $version: could not make $venv"; status=1; continue; }
    fi
    echo "== Python $version ($("$venv/bin/python" -c 'import sys, numpy, scipy, nengo; print(sys.version.split()[0], "numpy", numpy.__version__, "scipy", scipy.__version__, "nengo", nengo.__version__)'))"
    "$venv/bin/python" -m pytest tests -q -rs -p no:cacheprovider || status=1
    echo "== Python $version: $((SECONDS - start)) s"
done
exit $status
