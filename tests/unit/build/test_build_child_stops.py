"""harness/build/cache.build_in_child: a build never outlives the process that wanted it.

The suite's background builds run in daemon threads; when pytest ended before such a build, its
child (and the child's make and compiler) kept running with nothing waiting for it, and without the
build lock, so the next run started a second build into the same folder."""
import os
import subprocess
import sys
import textwrap
import time

# A stand-in build module: starts a grandchild (as LiteX starts make), says both pids, then waits.
BUILD_MODULE = textwrap.dedent("""
    import subprocess, sys, time
    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    print("pids", __import__("os").getpid(), grandchild.pid, flush=True)
    time.sleep(600)
""")

# The process that wants the build: starts it from a daemon thread and exits once it is running.
WANTER = textwrap.dedent("""
    import sys, threading, time
    from pathlib import Path
    from sailbench.harness.build.cache import build_in_child
    out = Path(sys.argv[1])
    threading.Thread(target=build_in_child, args=("slow_build", [], out, "a slow build", "simulation"),
                     kwargs={"progress": lambda m: None}, daemon=True).start()
    log = out.parent / (out.name + ".build.log")
    deadline = time.monotonic() + 60
    while "pids" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.05)
""")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_a_background_build_is_stopped_with_its_whole_tree_when_its_process_exits(tmp_path):
    (tmp_path / "slow_build.py").write_text(BUILD_MODULE)
    out = tmp_path / "builds" / "b"
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    subprocess.run([sys.executable, "-c", WANTER, str(out)], env=env, timeout=120, check=True)
    line = next(ln for ln in (out.parent / "b.build.log").read_text().splitlines() if ln.startswith("pids"))
    pids = [int(p) for p in line.split()[1:]]
    deadline = time.monotonic() + 30      # killed at the wanter's exit; allow the kernel to reap
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids), f"build processes {pids} outlived the process that wanted them"
