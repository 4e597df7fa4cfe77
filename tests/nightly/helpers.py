"""Shared by the nightly tests: a temporary lab, the CLI in a child process, headless chromium."""
from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
import zlib
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Small but honest: 64 KiB DDR passes, two repeats, sequential only, a short clock count.
SMALL = ["--ddr-length", "64K", "--repeats", "2", "--patterns", "sequential", "--clock-seconds", "0.2"]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def write_lab(directory: Path, boards: str, quarantine_after: int = 2, pairs: str = "") -> Path:
    lab = directory / "lab.yaml"
    pairs = f"pairs:\n{pairs}" if pairs else ""
    lab.write_text(f"""\
boards:
{boards}
{pairs}
history: {{baseline_runs: 3, drop_threshold: 0.10, quarantine_after: {quarantine_after}}}
locks: {{dir: locks, wait_s: 300}}
results: {{dir: results}}
""")
    return lab


def sailbench(lab: Path, *args: str, timeout: float = 600, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sailbench.harness.cli", "--lab", str(lab), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout, **kw)


def sailbench_popen(lab: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sailbench.harness.cli", "--lab", str(lab), *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def report_path(stdout: str, prefix: str = "report: ") -> Path:
    line = next(ln for ln in stdout.splitlines() if ln.startswith(prefix))
    return Path(line[len(prefix):].split(" ")[0])


def load_json(path: Path) -> dict:
    return json.loads(Path(path).read_text())


# --- headless chromium ------------------------------------------------------------------------

def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    assert exe, "chromium not found: scripts/setup.sh installs the Debian package 'chromium'"
    return exe


def chromium_run(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


class FigureCells(HTMLParser):
    """Text of every element carrying data-figure, as the browser rendered the DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str | None, str]] = []   # (figure, data-bytes-per-s, text)
        self._open: list[list] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-figure" in a:
            self._open.append([a["data-figure"], a.get("data-bytes-per-s"), ""])

    def handle_data(self, data):
        if self._open:
            self._open[-1][2] += data

    def handle_endtag(self, tag):
        if self._open and tag in ("span", "text"):
            fig, value, text = self._open.pop()
            self.cells.append((fig, value, text.strip()))


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB/RGBA PNG, with the stdlib only."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), (depth, color)
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows
