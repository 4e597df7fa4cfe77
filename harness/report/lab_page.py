"""One page for the lab: the latest night of every host, drawn from the shared history.

A table of every board and pair of every host (which host measured what, the run's status as its
writer recorded it, its build), then per host and board its figures and their trends over the
board's last complete runs on that host (the trend charts of the run report, harness/report/html.py).
Self-contained like the run reports: no scripts, no network. Each figure carries
`data-figure="probe/direction/pattern/size"` and `data-host` so a test can check the page against
the history.
"""
from __future__ import annotations

from html import escape

from sailbench.harness.judge.regression import figure_key, size_text
from sailbench.harness.record.history_lab import LabNight, LabRun
from sailbench.harness.report.html import CSS, _badge, _trend_section, figure_id
from sailbench.harness.report.model import INFRASTRUCTURE, MEASUREMENT, PASSED, QUARANTINED, BoardReport
from sailbench.harness.units import mb_per_s

# The run's status as its writer stored it, shown with the run report's badge colours.
_STATUS_BADGE = {"passed": PASSED, "failed": MEASUREMENT, "interrupted": MEASUREMENT, "error": INFRASTRUCTURE}


def _anchor(run: LabRun) -> str:
    return escape(f"{run.host}--{run.board}", quote=True)


def _status(run: LabRun) -> str:
    if not run.complete:
        return _badge(INFRASTRUCTURE, "incomplete (its writer stopped)")
    return _badge(_STATUS_BADGE.get(run.status or "", INFRASTRUCTURE), run.status or "?")


def _total_row(run: LabRun, rec: dict) -> str:
    """A pair total: its direction, how many lanes, its INTERCARD verdict as the pair runner judged it."""
    direction = str(rec.get("direction") or "?")
    lanes = len(rec.get("lanes_measured") or [])
    verdict = rec.get("verdict") or {}
    said = verdict.get("verdict") or "?"
    if said == "not judged" and verdict.get("reason"):
        said = f"not judged ({verdict['reason']})"
    rate = rec["total_bytes_per_s"]
    sim = " (sim)" if rec.get("simulated") else ""
    return (f"<tr><td>pair</td><td>total {escape(direction)}, {lanes} lane{'s' if lanes != 1 else ''}: "
            f"INTERCARD {escape(said)}</td><td class=\"num\">"
            f'<span class="rate" data-figure="{escape(f"pair/{direction}/total", quote=True)}" '
            f'data-host="{escape(run.host, quote=True)}" data-bytes-per-s="{rate!r}">{mb_per_s(rate)}</span>'
            f"{sim}</td></tr>")


def _figure_rows(run: LabRun) -> str:
    rows = [_total_row(run, rec) for rec in run.totals]
    for rec in run.figures:
        key = figure_key(rec, run.board)
        label = " ".join(p for p in (key.direction, key.pattern, size_text(key.size_bytes)) if p)
        sim = " (sim)" if rec.get("simulated") else ""
        rate = rec["rate_bytes_per_s"]
        rows.append(f"<tr><td>{escape(key.probe)}</td><td>{escape(label)}</td><td class=\"num\">"
                    f'<span class="rate" data-figure="{escape(figure_id(key), quote=True)}" '
                    f'data-host="{escape(run.host, quote=True)}" data-bytes-per-s="{rate!r}">{mb_per_s(rate)}</span>'
                    f"{sim}</td></tr>")
    if not rows:
        return '<p class="muted">No figures in this run.</p>'
    return ("<table class=\"figures\"><tr><th>probe</th><th>figure</th><th>MB/s</th></tr>"
            + "".join(rows) + "</table>")


def _run_section(run: LabRun) -> str:
    head = (f'<h2 id="{_anchor(run)}">{escape(run.board)} on {escape(run.host)}</h2>'
            f'<p>{_status(run)} {escape(run.kind)} run <code>{escape(run.run_id)}</code>, build '
            f'<code>{escape(run.build_hash or "?")}</code>, profile {escape(run.profile or "-")}, started '
            f'{escape(run.started or "?")}.</p>')
    if not run.complete:
        return head + ('<p class="muted">Its writer never marked it complete (killed or still running): '
                       "its figures count nowhere.</p>")
    trend = _trend_section(BoardReport(run.board, PASSED, trend=run.trend))
    return head + _figure_rows(run) + trend


def render_lab_page(night: LabNight, where: str, generated: str) -> str:
    """The whole page; `where` names the history (its URL or file), `generated` when it was drawn."""
    title = "sailbench lab: the latest night of every host"
    failed = "".join(
        f"<tr><td>{escape(f['host'] or '?')}</td><td>{escape(f['board'])}</td><td>nightly</td>"
        f"<td>{_badge(INFRASTRUCTURE, 'health check failed')}</td><td class=\"num\">0</td><td></td>"
        f"<td>{escape(f['message'] or '')}</td></tr>" for f in night.health_failures)
    if not night.runs and not failed:
        body = ('<p class="muted">The history holds no complete nightly run yet: run <code>sailbench '
                "nightly</code> on the lab's hosts with lab.yaml <code>history.url</code> set.</p>")
    else:
        rows = "".join(
            f'<tr><td>{escape(r.host)}</td><td><a href="#{_anchor(r)}">{escape(r.board)}</a></td>'
            f"<td>{escape(r.kind)}</td><td>{_status(r)}</td><td class=\"num\">{len(r.totals) + len(r.figures)}</td>"
            f"<td><code>{escape(r.build_hash or '?')}</code></td><td><code>{escape(r.run_id)}</code></td></tr>"
            for r in night.runs) + failed
        body = ("<table class=\"summary\"><tr><th>host</th><th>board or pair</th><th>kind</th><th>status</th>"
                f"<th>figures</th><th>build</th><th>run, or why it was not measured</th></tr>{rows}</table>"
                + "\n".join(_run_section(r) for r in night.runs))
    nights = ", ".join(f"{escape(h)}: <code>{escape(n)}</code>" for h, n in night.nights.items()) or "-"
    quarantine = "".join(f"<li>{_badge(QUARANTINED, 'quarantined')} {escape(q['board'])} since "
                         f"{escape(q['since'])}: {escape(q['reason'])}</li>" for q in night.quarantined)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{CSS}</style></head>
<body>
<h1>{escape(title)}</h1>
<p class="muted">From the history {escape(where)}, drawn {escape(generated)}. Latest night per host: {nights}.
Rates in MB/s (10^6 bytes/s); "(sim)" marks a figure from a simulated board.</p>
{f'<ul class="messages">{quarantine}</ul>' if quarantine else ''}
{body}
</body></html>
"""
