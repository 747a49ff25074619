"""The command line: one line on stderr for an error, exit status 2 or 1."""

from pathlib import Path

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


@pytest.mark.parametrize(
    "setting, message",
    [
        ("dt=0", "Settings.dt=0.0: must be a finite number > 0"),
        ("steps_per_pixel=0", "Settings.steps_per_pixel=0: must be an integer >= 1"),
        ("n_train=0", "Settings.n_train=0: must be an integer >= 1, or None"),
        ("batch_size=0", "Settings.batch_size=0: must be an integer >= 1"),
        ("dropout=1.5", r"Settings.dropout=1.5: must be a fraction in \[0, 1\)"),
        ("n_test_spiking=-1", "must be an integer >= 0 \\(0 skips the stage\\)"),
    ],
)
def test_psmnist_settings_are_refused_by_name(setting, message):
    with pytest.raises(UsageError, match=message):
        main(["psmnist", "--set", setting])


def test_reproduce_paper_refuses_no_images(capsys):
    with pytest.raises(SystemExit) as refused:
        main(["reproduce-paper", "--n-test", "0"])
    assert refused.value.code == 2
    assert "--n-test: must be >= 1, got 0" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["psmnist", "capacity", "mackey-glass"])
def test_an_out_that_is_a_file_is_refused_before_the_run(tmp_path, command, capsys):
    blocked = tmp_path / "results"
    blocked.write_text("a file")
    with pytest.raises(UsageError, match="is a file, not a folder") as refused:
        main([command, "--out", str(blocked / "run")])
    assert refused.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_export_nir_refuses_a_bad_synapse_and_a_folder(tmp_path):
    with pytest.raises(UsageError, match="synapse: must be None, a nengo synapse"):
        main(["export-nir", "psmnist", str(tmp_path / "m.nir"), "--synapse", "nan"])
    with pytest.raises(UsageError, match="is a folder; name the .nir file"):
        main(["export-nir", "psmnist", str(tmp_path), "--force"])


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux's /proc")
def test_an_out_where_nothing_can_be_written_is_refused_before_the_run(capsys):
    with pytest.raises(UsageError, match="cannot write in /proc"):
        main(["capacity", "--out", "/proc/nengo-lmu-test"])


def test_export_nir_refuses_a_missing_folder(tmp_path):
    with pytest.raises(UsageError, match="there is no folder .*missing"):
        main(["export-nir", "psmnist", str(tmp_path / "missing" / "m.nir")])
