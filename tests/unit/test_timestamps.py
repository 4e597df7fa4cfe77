"""now_iso: local time with its UTC offset, to the second (results, lock holders, reports)."""
from datetime import datetime

from sailbench.harness.timestamps import now_iso


def test_now_iso_carries_its_offset_and_whole_seconds():
    stamp = now_iso()
    parsed = datetime.fromisoformat(stamp)
    assert parsed.tzinfo is not None and parsed.microsecond == 0
    assert "." not in stamp
