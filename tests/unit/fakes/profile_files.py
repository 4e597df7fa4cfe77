"""The profile files the profile tests iterate over: every file of every profile folder
(gateware/boards/, then $SAILBENCH_PROFILES's folders), and the test-data profiles of
tests/unit/data/boards/ (a rev-B: the Versa-ECP5 with a 2 Gb MT41K128M16). A new file in any
of them is tested by plain `pytest` without editing a test."""
from pathlib import Path

from sailbench.gateware.profiles import profile_files

TEST_DATA_BOARDS = Path(__file__).resolve().parents[1] / "data" / "boards"
PROFILE_FILES = profile_files() + sorted(TEST_DATA_BOARDS.glob("*.yaml"))


def file_id(path: Path) -> str:
    """A test id: the profile's name, "test-data/NAME" for a test-data profile."""
    return f"test-data/{path.stem}" if path.parent == TEST_DATA_BOARDS else path.stem
