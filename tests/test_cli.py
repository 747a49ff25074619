"""The command line: one line on stderr for an error, exit status 2 or 1."""

import pytest

from nengo_lmu.cli import RunFailed, UsageError, main
from nengo_lmu.version import version


def test_a_refused_argument_exits_with_2_and_one_line(capsys):
    with pytest.raises(UsageError, match="units must be of type int") as refused:
        main(["psmnist", "--set", "units=abc"])
    assert refused.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("nengo-lmu psmnist: --set")
    assert "Traceback" not in err


def test_a_failed_run_exits_with_1_and_one_line(tmp_path, capsys):
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    with pytest.raises(RunFailed) as failed:
        main(["download-mnist", str(blocked / "mnist")])
    assert failed.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("nengo-lmu download-mnist: ") and err.count("\n") == 1
    assert "--debug shows the traceback" in err
    # --debug lets the error through, traceback and all
    with pytest.raises(OSError):
        main(["--debug", "download-mnist", str(blocked / "mnist")])


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"nengo-lmu {version}"
