"""`sailbench build` / `load` refusals that need no toolchain run: a profile that cannot be built says why,
one over its SerDes channel budget names the count and the options, unknown profiles are named."""
from sailbench.gateware.profiles import BOARDS_DIR, profile_names
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


def test_build_refuses_a_profile_that_is_not_buildable_with_its_reason(tmp_path, capsys):
    text = (BOARDS_DIR / "versa-ecp5.yaml").read_text() + "not_buildable: no pin map yet for rev-B\n"
    (tmp_path / "rev-b.yaml").write_text(text)
    rc, err = run(tmp_path, capsys, str(tmp_path / "rev-b.yaml"), "build")
    assert rc == 2 and len(err) == 1
    assert err[0] == "sailbench: error: board 'sail': profile 'rev-b' cannot be built: no pin map yet for rev-B"


def test_build_of_a_profile_over_its_channel_budget_exits_2_with_one_line(tmp_path, capsys):
    text = (BOARDS_DIR / "sail-reva.yaml").read_text().replace(
        "    DCU1 CH1: {use: sgmii", "    DCU1 CH1: {use: lane, tx: a, rx: b}\n    DCU2 CH0: {use: sgmii")
    (tmp_path / "rev-a4.yaml").write_text(text)
    rc, err = run(tmp_path, capsys, str(tmp_path / "rev-a4.yaml"), "build")
    assert rc == 2 and len(err) == 1
    assert "4 lanes and an SGMII host link need 5 SerDes channels but LFE5UM5G-85F has 4 (2 DCUs x 2); " \
           "options: 4 lanes with an RGMII host link, or SGMII plus 3 lanes" in err[0]
    assert "serdes.channels" in err[0] and "(line " in err[0]


def test_build_names_an_unknown_profile(tmp_path, capsys):
    rc, err = run(tmp_path, capsys, "versa5", "build")
    assert rc == 2 and len(err) == 1
    assert (f"lab.yaml: boards.sail.profile: expected a known board profile ({', '.join(profile_names())}), "
            "found string 'versa5' (line 4)") in err[0]


def test_load_rejects_an_unknown_profile_when_reading_lab_yaml(tmp_path, capsys):
    """Not a traceback from the loader: the lab file is refused with its file, key and line."""
    rc, err = run(tmp_path, capsys, "versa5", "load")
    assert rc == 2 and len(err) == 1 and err[0].startswith("sailbench: error: ")
    assert "boards.sail.profile: expected a known board profile" in err[0] and "(line 4)" in err[0]
