"""Where the checkout is: the repository root holds lab.yaml, build/ and results/ by default."""
from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
