"""The host side of the DFI accounting: reading the counters, the sum rule, the breakdown line."""
from types import SimpleNamespace

from sailbench.gateware.build.manifest import DramAccounting
from sailbench.harness.probes.ddr_accounting import DdrBreakdown, read_breakdown

ACCOUNTING = DramAccounting(csr_prefix="ddr_accounting", burst_cycles=2,
                            events=("reads", "writes", "activates", "precharges", "precharge_alls",
                                    "auto_precharges", "refreshes", "rd_to_wr", "wr_to_rd"),
                            classes=("data", "refresh", "turnaround", "row", "idle", "other"))
MANIFEST = SimpleNamespace(accounting=ACCOUNTING)     # the manifest's `dram` record, as far as the reader looks


class _Csr:
    def __init__(self, values):
        self.values = values
        self.asked = []

    def read_many(self, names):
        self.asked.append(list(names))
        return {n: self.values[n] for n in names}


def _values(**kw):
    base = {f"ddr_accounting_{n}": 0 for n in ACCOUNTING.events + ACCOUNTING.classes}
    base.update({f"ddr_accounting_{k}": v for k, v in kw.items()})
    return base


def test_read_breakdown_in_one_call_and_line():
    csr = _Csr(_values(data=8000, refresh=200, row=300, idle=1000, other=500, writes=4000, activates=8,
                       precharge_alls=2, refreshes=2))
    b = read_breakdown(csr, MANIFEST, window_cycles=10_000)
    assert len(csr.asked) == 1
    assert b.total == 10_000 and b.sums_to_window()
    assert b.share("data") == 0.8
    line = b.line()
    assert line.startswith("data transfer 80.0 % | refresh 2.0 % | row changes 3.0 % | turnarounds 0.0 % | idle 10.0 %")
    assert "4000 bursts, 8 ACT, 2 PRE (0 auto), 2 REF, 0 turnarounds" in line
    assert b.to_record()["classes"]["data"] == 8000


def test_sum_rule_is_one_cycle_per_ten_thousand():
    assert DdrBreakdown(20_000, {"data": 20_002}).sums_to_window()
    assert not DdrBreakdown(20_000, {"data": 20_003}).sums_to_window()
    assert DdrBreakdown(100, {"data": 101}).sums_to_window()      # never less than one cycle
    assert not DdrBreakdown(100, {"data": 98}).sums_to_window()


def test_build_without_accounting_gives_none():
    assert read_breakdown(_Csr({}), SimpleNamespace(accounting=None), 100) is None


def test_bench_table_shows_the_breakdown_per_ddr_figure():
    from types import SimpleNamespace
    from sailbench.harness.run.bench import BenchOutcome, render_outcome
    results = SimpleNamespace(regressions=[], path="results/x.json", data={}, simulated=False)
    out = BenchOutcome(results)
    out.ceiling = "MT41K64M16 x16 at 300 MT/s = 600.0 MB/s"
    out.ddr_breakdowns = [("DDR write sequential", DdrBreakdown(100, {"data": 95, "refresh": 2, "row": 2,
                                                                    "turnaround": 0, "idle": 0, "other": 1}))]
    text = render_outcome(out)
    assert "Where the DDR window went" in text
    assert "DDR write sequential  data transfer 95.0 % | refresh 2.0 % | row changes 2.0 %" in text
