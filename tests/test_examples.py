"""The examples run (short versions), so that they cannot rot."""

import re
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_delay_line_example():
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "delay_line.py"), "--seconds", "3"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    rows = [line for line in result.stdout.splitlines() if line.startswith("nengo")]
    assert [row.split()[0] for row in rows] == ["nengo", "nengo_dl"]
    for row in rows:
        errors = [float(x) for x in row.split()[1:6]]
        assert all(0 < e < 0.05 for e in errors), row
    assert re.search(r"order 12, theta 1.0 s", result.stdout)
