"""The build skeleton of every target (gateware/build/build_once.py): a complete directory is
returned untouched, a half-built one is removed first, the manifest is written last."""
import pytest

from sailbench.gateware.build.build_once import build_once
from sailbench.gateware.build.manifest import MANIFEST_NAME, BuildManifest, load_manifest, write_manifest

MANIFEST = BuildManifest(target="sim", profile="versa-ecp5", hash="0123456789ab", version="0", packages={},
                         sys_clk_hz=75_000_000)


def test_a_complete_build_is_returned_without_building(tmp_path):
    out = tmp_path / "sim-x"
    out.mkdir()
    write_manifest(out, MANIFEST)
    (out / "kept").write_text("from the earlier build")

    def make(_):
        raise AssertionError("a complete build was built again")

    assert build_once(out, make, log=lambda _: None) == out
    assert (out / "kept").read_text() == "from the earlier build"


def test_a_half_built_directory_is_removed_and_the_manifest_written_last(tmp_path):
    out = tmp_path / "sim-x"
    out.mkdir()
    (out / "stale").write_text("from a killed build")
    seen = []

    def make(d):
        seen.append((sorted(p.name for p in d.iterdir()) if d.exists() else None))
        d.mkdir()
        (d / "csr.json").write_text("{}")
        assert not (d / MANIFEST_NAME).exists()
        return MANIFEST

    lines = []
    assert build_once(out, make, log=lines.append) == out
    assert seen == [None]                                  # make started from nothing
    m = load_manifest(out / MANIFEST_NAME)
    assert m.hash == MANIFEST.hash and m.build_seconds is not None and m.build_seconds >= 0
    assert sorted(p.name for p in out.iterdir()) == ["csr.json", MANIFEST_NAME]
    assert lines and lines[-1].startswith("[build] done in") and str(out) in lines[-1]


def test_a_failed_build_leaves_no_manifest(tmp_path):
    out = tmp_path / "sim-x"

    def make(d):
        d.mkdir()
        raise RuntimeError("Verilator build failed")

    with pytest.raises(RuntimeError, match="Verilator"):
        build_once(out, make, log=lambda _: None)
    assert out.is_dir() and not (out / MANIFEST_NAME).exists()   # the next call rebuilds from scratch
