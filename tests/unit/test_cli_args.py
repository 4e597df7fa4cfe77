import argparse

import pytest

from sailbench.harness.cli import _size, main


@pytest.mark.parametrize("text,value", [("65536", 65536), ("64K", 65536), ("1M", 1 << 20), ("1MiB", 1 << 20),
                                        ("0x1000", 4096)])
def test_sizes(text, value):
    assert _size(text) == value


def test_bad_size_is_a_clear_error():
    with pytest.raises(argparse.ArgumentTypeError, match="not a size"):
        _size("lots")


def test_help_explains_the_bench(capsys):
    with pytest.raises(SystemExit) as e:
        main(["bench", "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "--board" in out and "--constants" in out and "results" in out
