"""tests/background_build.py: builds in daemon threads, in order or side by side, logged."""
import os

import background_build


def _join(threads):
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), thread.name


def test_one_thread_builds_in_the_order_given_and_logs_a_failure_without_stopping(tmp_path):
    done = []

    def build(name, fail=False):
        def builder(progress):
            progress(f"building {name}")
            done.append(name)
            if fail:
                raise RuntimeError(f"{name} broke")
        return builder

    log = tmp_path / "logs" / "prebuild.log"
    threads = background_build.start([("a", build("a", fail=True)), ("b", build("b"))], log, one_thread=True)
    assert len(threads) == 1
    _join(threads)
    assert done == ["a", "b"]
    text = log.read_text()
    assert "prebuild a: start\n[a] building a\nprebuild a: failed\n" in text and "RuntimeError: a broke" in text
    assert "[b] building b\nprebuild b: done" in text
    assert background_build.start([("c", build("c"))], log) == threads     # once per log file


def test_a_thread_each_at_the_niceness_asked(tmp_path):
    seen = {}

    def builder(name):
        return lambda progress: seen.setdefault(name, os.nice(0))

    threads = background_build.start([("x", builder("x")), ("y", builder("y"))], tmp_path / "p.log", niceness=3)
    _join(threads)
    assert len(threads) == 2 and seen == {"x": os.nice(0) + 3, "y": os.nice(0) + 3}
    assert background_build.start([], tmp_path / "none.log") == []
