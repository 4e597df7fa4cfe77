"""Running `sailbench` in-process for the CLI modules' unit tests: a lab file in a temporary folder,
`main()` with its exit status and its output lines, and a stand-in for a runner that records how the
command called it (the command's own work, without the runner's)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sailbench.harness.cli import main

SIM_LAB = """\
default_board: sim
boards:
  sim: {kind: sim, profile: versa-ecp5, tags: [sim, ddr]}
  versa: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB1, cable: ft2232, tags: [ddr]}
pairs:
  sim-pair: {kind: sim, profile: versa-ecp5, upstream: up, downstream: down}
"""


@dataclass
class CliRun:
    code: int
    out: list[str]
    err: list[str]


def lab_file(tmp_path: Path, text: str = SIM_LAB) -> Path:
    path = tmp_path / "lab.yaml"
    path.write_text(text + f"results: {{dir: {tmp_path / 'results'}}}\n")
    return path


def sailbench(capsys: pytest.CaptureFixture, lab: Path, *argv: str) -> CliRun:
    """`sailbench --lab LAB ARGV...` in this process; argparse's own exit (2, or 0 for --help) too."""
    try:
        code = main(["--lab", str(lab), *argv])
    except SystemExit as e:
        code = 0 if e.code is None else e.code if isinstance(e.code, int) else 2
    captured = capsys.readouterr()
    return CliRun(code, captured.out.splitlines(), captured.err.splitlines())


def help_text(capsys: pytest.CaptureFixture, *command: str) -> str:
    with pytest.raises(SystemExit) as e:
        main([*command, "--help"])
    assert e.value.code == 0
    return " ".join(capsys.readouterr().out.split())      # argparse wraps lines: compare words


@dataclass
class RunnerCall:
    """A runner's stand-in: records each call's arguments and answers `result`."""
    result: Any = 0
    calls: list[tuple[tuple, dict]] = field(default_factory=list)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((args, kwargs))
        return self.result

    @property
    def kwargs(self) -> dict[str, Any]:
        assert len(self.calls) == 1, self.calls
        return self.calls[0][1]

    @property
    def args(self) -> tuple:
        assert len(self.calls) == 1, self.calls
        return self.calls[0][0]
