"""`sailbench build` / `load` refusals that need no toolchain run: rev-A has no pin map, unknown profiles."""
from sailbench.harness.cli import main

LAB = """boards:
  sail:
    kind: hardware
    profile: {profile}
    serial: /dev/ttyUSB3
    cable: ft2232
"""


def run(tmp_path, capsys, profile, *args):
    lab = tmp_path / "lab.yaml"
    lab.write_text(LAB.format(profile=profile))
    rc = main(["--lab", str(lab), *args, "--board", "sail"])
    return rc, capsys.readouterr().err.strip().splitlines()


def test_build_refuses_sail_reva_clearly(tmp_path, capsys):
    rc, err = run(tmp_path, capsys, "sail-reva", "build")
    assert rc == 2 and len(err) == 1
    assert err[0] == ("sailbench: error: board 'sail': profile 'sail-reva' cannot be built: no pin map yet for "
                      "InnerJib7EA rev-A; add a platform file and set buildable")


def test_build_names_an_unknown_profile(tmp_path, capsys):
    rc, err = run(tmp_path, capsys, "versa5", "build")
    assert rc == 2 and len(err) == 1
    assert ("lab.yaml: boards.sail.profile: expected a known board profile (ecpix5, sail-lanes, sail-reva, versa-ecp5), "
            "found string 'versa5' (line 4)") in err[0]


def test_load_rejects_an_unknown_profile_when_reading_lab_yaml(tmp_path, capsys):
    """Not a traceback from the loader: the lab file is refused with its file, key and line."""
    rc, err = run(tmp_path, capsys, "versa5", "load")
    assert rc == 2 and len(err) == 1 and err[0].startswith("sailbench: error: ")
    assert "boards.sail.profile: expected a known board profile" in err[0] and "(line 4)" in err[0]
