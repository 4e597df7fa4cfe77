"""The error tree (harness/errors.py): one root, every error with a hint, and the project's error
classes that used to live beside their raisers are the same classes there."""
import inspect

import pytest

import sailbench.harness.errors as errors
from sailbench.harness.errors import (BoardError, BoardSilentError, CableError, ConfigError, IdentifierMismatchError,
                                      LevelingError, SailbenchError, StageFailed, UnknownNameError)

ALL = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, Exception)
       and c.__module__ == errors.__name__]


def test_every_error_is_a_sailbench_error_with_a_docstring():
    assert len(ALL) > 30
    for cls in ALL:
        assert issubclass(cls, SailbenchError) and cls.__doc__, cls


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_every_error_says_what_to_check_next(cls):
    signature = inspect.signature(cls.__init__)
    args = {name: ("x" if name != "known" else ["a"]) for name, p in signature.parameters.items()
            if name != "self" and p.default is inspect.Parameter.empty and p.kind != p.VAR_POSITIONAL}
    if "rank" in args:
        args["rank"] = 0
    if "report_path" in args:
        args["report_path"] = "r.txt"
    error = cls(**args)
    assert error.hint and "{" not in error.hint, cls


def test_a_raisers_hint_wins_and_a_caller_may_replace_it():
    e = BoardError("no answer", board="v", port="/dev/ttyUSB1", hint="plug it in")
    assert str(e) == "board 'v' on /dev/ttyUSB1: no answer" and e.detail == "no answer" and e.hint == "plug it in"
    e.hint = "read vsim.log"
    assert e.hint == "read vsim.log"
    e.hint = None
    assert "sailbench bringup --board v" in e.hint


def test_class_hints_name_the_board():
    assert "sailbench load --board versa" in IdentifierMismatchError("other build", board="versa").hint
    assert "boards.versa.cable" in CableError("no cable", board="versa").hint
    assert "DQS pair" in LevelingError("lane 1", board="versa", leveling=[]).hint


def test_a_silent_board_hint_follows_the_link():
    """UART and Etherbone fail differently: the hint says which cable and which lab.yaml keys."""
    serial = BoardSilentError("no answer", board="v", port="/dev/ttyUSB1").hint
    udp = BoardSilentError("no answer", board="v", port="udp://192.168.1.50:1234").hint
    assert "boards.v.serial and baudrate" in serial and "Ethernet" not in serial
    assert "boards.v.etherbone" in udp and "ping" in udp


def test_a_config_error_names_where():
    e = ConfigError("must be a number", path="lab.yaml", key="boards.v.baudrate")
    assert str(e) == "lab.yaml: boards.v.baudrate: must be a number" and "lab.yaml" in e.hint


def test_a_stage_failure_is_an_error_whose_hint_is_the_next_step():
    e = StageFailed("DQ11 stuck at 0", "check the solder joint")
    assert isinstance(e, SailbenchError) and e.detail == "DQ11 stuck at 0" and e.next_step == e.hint


def test_classes_moved_here_are_the_ones_their_modules_raise():
    from sailbench.harness.board import dram_init, labgrid_place
    from sailbench.harness.build import bitstream
    from sailbench.harness.run.pair import pod_client
    from sailbench.harness.transport import regmap
    assert dram_init.LevelingError is LevelingError and regmap.UnknownNameError is UnknownNameError
    assert labgrid_place.LabgridError is errors.LabgridError and bitstream.TimingFailedError is errors.TimingFailedError
    assert pod_client.PodStepError is errors.PodStepError


def test_unknown_name_suggests_close_names():
    e = UnknownNameError("register", "ctrl_scrach", ["ctrl_scratch", "ctrl_reset"])
    assert "did you mean: ctrl_scratch" in str(e) and e.close_matches == ["ctrl_scratch"]
