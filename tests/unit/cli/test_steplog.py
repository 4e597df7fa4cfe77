"""-v / --log-file: the step loggers write to a file at DEBUG, stop_step_log takes the handlers off
again, nothing is configured without either option, and an unwritable file is one ConfigError."""
import logging

import pytest

from sailbench.harness.cli.steplog import start_step_log, stop_step_log
from sailbench.harness.errors import ConfigError


def test_log_file_gets_the_step_loggers_at_debug_until_stopped(tmp_path):
    path = tmp_path / "steps.log"
    handlers = start_step_log(verbose=False, log_file=path)
    try:
        logging.getLogger("sailbench.board").debug("opened the UART")
    finally:
        stop_step_log(handlers)
    logging.getLogger("sailbench.board").debug("after stop")
    text = path.read_text()
    assert "sailbench.board DEBUG: opened the UART" in text and "after stop" not in text
    assert not set(handlers) & set(logging.getLogger("sailbench").handlers)


def test_neither_option_configures_nothing():
    assert start_step_log(verbose=False, log_file=None) == []


def test_an_unwritable_log_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot write the log file"):
        start_step_log(verbose=False, log_file=tmp_path / "missing" / "steps.log")
