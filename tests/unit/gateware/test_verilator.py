"""gateware/build/verilator.py: LiteX's build script, run without debug information."""
import pytest

from sailbench.gateware.build.verilator import no_debug_info

SCRIPT = 'rm -rf obj_dir/\nmake -C . -f /v/litex/Makefile CC_SRCS="--cc /b/sim.v " JOBS=2   OPT_LEVEL=O3 \n'


def test_g0_follows_the_optimisation_level_once():
    patched = no_debug_info(SCRIPT)
    assert "'OPT_LEVEL=O3 -g0'" in patched and patched.count("-g0") == 1
    assert no_debug_info(patched) == patched
    assert patched.replace("'OPT_LEVEL=O3 -g0'", "OPT_LEVEL=O3") == SCRIPT


def test_a_script_without_an_optimisation_level_is_an_error_not_a_silent_debug_build():
    with pytest.raises(RuntimeError, match="no OPT_LEVEL"):
        no_debug_info("make -C . -f /v/Makefile\n")
