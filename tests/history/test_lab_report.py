"""One page for the lab and propose-constants, from a PostgreSQL history two hosts' nightlies wrote into.

The nightlies' runs are recorded through the same path the nightly's pairs take (store_finished_run
with each run's results data), one process per host; `sailbench nightly --report-only` and
`sailbench propose-constants` then read the lab's history through the real CLI.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

from sailbench.harness.record.history import History

from history_cli import REPO, lab_file, sailbench

# One host's nightly: a board run (DDR and host-link figures) and, on pc-b, a board left incomplete
# (its writer killed), both under that host's night id; an older night before it. Written with the unit
# tests' helper (unit.fakes.history_runs), from tests/ on this child's path.
NIGHTLY = """
import sys
sys.path.insert(0, "tests")
from sailbench.harness.record.history import History
from unit.fakes.history_runs import nightly_board_run
url, host, board, ddr = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
with History(url=url) as h:
    for night, rate in ((f"20261205-nightly-{host}", ddr - 1e6), (f"20261206-nightly-{host}", ddr)):
        nightly_board_run(h, host, board, night, rate)
    if host == "pc-b":
        h.add_health("ecpix5-b", source="nightly", passed=False, message="board silent on /dev/ttyUSB3",
                     run_id=f"20261206-nightly-{host}", host=host)
        h.upsert_run("20261206-nightly-pc-b-dead", "ecpix5", kind="nightly", night_id=f"20261206-nightly-{host}",
                     host=host, started="20261206", status="running")
"""


def two_hosts_wrote(url: str) -> None:
    History(url=url).close()
    procs = [subprocess.Popen([sys.executable, "-c", NIGHTLY, url, host, board, str(rate)], cwd=REPO,
                              stderr=subprocess.PIPE, text=True)
             for host, board, rate in (("pc-a", "versa-a", 520e6), ("pc-b", "versa-b", 540e6))]
    for p in procs:
        assert p.wait(60) == 0, p.stderr.read()


def test_one_page_shows_every_hosts_boards(pg_url, tmp_path):
    two_hosts_wrote(pg_url)
    done = sailbench(lab_file(tmp_path, pg_url), "nightly", "--report-only")
    assert done.returncode == 0, done.stderr
    assert "3 boards and pairs from 2 hosts: pc-a (20261206-nightly-pc-a), pc-b (20261206-nightly-pc-b)" \
        in done.stdout
    page = Path(re.search(r"^report: (\S+)$", done.stdout, re.M).group(1)).read_text()
    shown = {(m["host"], m["fig"], float(m["rate"])) for m in re.finditer(
        r'data-figure="(?P<fig>[^"]+)" data-host="(?P<host>[^"]+)" data-bytes-per-s="(?P<rate>[^"]+)"', page)}
    assert ("pc-a", "ddr/write/sequential/1048576", 520e6) in shown
    assert ("pc-b", "ddr/read/sequential/1048576", 540e6 + 1) in shown
    assert not any(rate == 520e6 - 1e6 for _, _, rate in shown), "only the latest night's figures are listed"
    assert "versa-a on pc-a" in page and "versa-b on pc-b" in page
    assert "ecpix5 on pc-b" in page and "incomplete (its writer stopped)" in page
    assert page.count("<svg") >= 4, "a trend chart per probe and board"
    assert re.search(r"<td>pc-b</td><td>ecpix5-b</td><td>nightly</td><td>.*health check failed.*"
                     r"board silent on /dev/ttyUSB3", page)
    data = json.loads(Path(re.search(r"^JSON: (\S+)$", done.stdout, re.M).group(1)).read_text())
    assert data["nights"] == {"pc-a": "20261206-nightly-pc-a", "pc-b": "20261206-nightly-pc-b"}


def test_propose_constants_names_the_host_and_board_of_each_figure(pg_url, tmp_path):
    two_hosts_wrote(pg_url)
    done = sailbench(lab_file(tmp_path, pg_url), "propose-constants", "--profile", "versa-ecp5")
    assert done.returncode == 0, done.stderr
    ddr = next(line for line in done.stdout.splitlines() if line.startswith("proposed LOCAL_DDR"))
    assert re.search(r"board versa-[ab] on host pc-[ab], run 20261206-nightly-pc-[ab]-versa-[ab]", ddr), ddr
    assert re.search(r"// sailbench: .* board versa-[ab] on host pc-[ab], profile versa-ecp5", done.stdout)
