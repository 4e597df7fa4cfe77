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
    assert rc == 2 and len(err) == 1 and "unknown board profile 'versa5'; known profiles: ecpix5" in err[0]
