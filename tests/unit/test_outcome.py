"""The one outcome rule, on a table of results documents."""
import pytest

from sailbench.harness.record.outcome import INTERRUPTED, MEASUREMENT, NOT_RUN, PASSED, VERDICTS, run_outcome


def doc(status="passed", records=(), verdicts=(), invariants=(), errors=(), comparisons=(), **sections):
    return {"status": status, "provenance": {"board": "b"}, "records": list(records), "verdicts": list(verdicts),
            "invariants": list(invariants), "errors": [{"type": None, "message": m} for m in errors],
            "comparisons": list(comparisons), **sections}


DDR = {"probe": "ddr", "direction": "write", "errors": 0}
HOLDS = {"constant": "HOST_LINK_BW_BYTES_PER_SEC", "verdict": "holds", "message": "HOST_LINK holds"}
OPTIMISTIC = {"constant": "LOCAL_DDR_BW_BYTES_PER_SEC", "verdict": "optimistic", "ratio": 0.248,
              "message": "LOCAL_DDR_BW_BYTES_PER_SEC is OPTIMISTIC: measured 496.1 MB/s"}
NOT_JUDGED = {"constant": "INTERCARD_BW_BYTES_PER_SEC", "verdict": "not judged",
              "message": "INTERCARD not judged: 3 of 4 lanes"}
BROKEN = {"name": "LOCAL_DDR >= 4 x INTERCARD", "holds": False, "message": "LOCAL_DDR >= 4 x INTERCARD is BROKEN",
          "inputs": {"LOCAL_DDR_BW_BYTES_PER_SEC": {"value": 5.7e8, "measured": True},
                     "INTERCARD_BW_BYTES_PER_SEC": {"value": 5e8, "measured": False}}}
ON_CONSTANTS = {"name": "INTERCARD < LOCAL_DDR", "holds": True, "message": "INTERCARD < LOCAL_DDR holds",
                "inputs": {"LOCAL_DDR_BW_BYTES_PER_SEC": {"value": 2e9, "measured": False},
                           "INTERCARD_BW_BYTES_PER_SEC": {"value": 5e8, "measured": False}}}
CLOCK = {"probe": "clock", "measured_hz": 75e6}
PAYLOAD = {"probe": "lane", "quantity": "payload", "lane": 2, "direction": "upstream->downstream",
           "frames_sent": 1000, "payload_bytes_per_frame": 1024, "bytes": 1024000, "frames": 1000,
           "bad_frames": 0, "sequence_errors": 0}
PRBS = {"probe": "lane", "quantity": "prbs", "lane": 1, "direction": "upstream->downstream"}
LINK_READY = {"status": "ready", "lanes": [0, 1], "lanes_up": [0, 1], "reason": ""}

CASES = [
    ("clean run", doc(records=[DDR], verdicts=[HOLDS]), PASSED, ""),
    ("constant optimistic", doc(records=[DDR], verdicts=[HOLDS, OPTIMISTIC]), VERDICTS, "OPTIMISTIC"),
    ("invariant broken", doc(records=[DDR], invariants=[BROKEN]), VERDICTS, "BROKEN"),
    ("not judged beside a judged verdict is not a failure", doc(records=[DDR], verdicts=[HOLDS, NOT_JUDGED]),
     PASSED, ""),
    ("nothing judged: every verdict withheld", doc(records=[DDR], verdicts=[NOT_JUDGED]), MEASUREMENT,
     "no scheduler constant was judged: every verdict was withheld"),
    ("nothing judged: only the clock measured", doc(records=[CLOCK], invariants=[ON_CONSTANTS]), MEASUREMENT,
     "the run measured only clock"),
    ("silent lane", doc(records=[PAYLOAD | {"frames": 0, "bytes": 0}], verdicts=[HOLDS], link_wait=LINK_READY),
     MEASUREMENT, "lane 2 upstream->downstream: no payload frames received (1000 sent)"),
    ("bad frames beyond the BER bound", doc(records=[PAYLOAD | {"bad_frames": 3}], verdicts=[HOLDS],
                                            link_wait=LINK_READY),
     MEASUREMENT, "lane 2 upstream->downstream: 3 bad frames (CRC) in 1000 frames, more than the 0"),
    ("sequence gaps", doc(records=[PAYLOAD | {"sequence_errors": 1}], verdicts=[HOLDS], link_wait=LINK_READY),
     MEASUREMENT, "1 sequence gaps"),
    ("PRBS lock losses", doc(records=[PRBS | {"bits": 1e9, "errors": 0, "lock_losses": 2}], verdicts=[HOLDS],
                             link_wait=LINK_READY), MEASUREMENT, "2 PRBS checker lock losses"),
    ("clean lanes", doc(records=[PAYLOAD, PRBS | {"bits": 1e9, "errors": 0, "lock_losses": 0}], verdicts=[HOLDS],
                        link_wait=LINK_READY), PASSED, ""),
    ("checker errors", doc(records=[DDR], verdicts=[HOLDS], errors=["DDR checker found 3 bad words"]),
     MEASUREMENT, "3 bad words"),
    ("measurement beats verdicts", doc(records=[DDR], verdicts=[OPTIMISTIC], errors=["host link: 2 lost"]),
     MEASUREMENT, "2 lost"),
    ("PRBS bit errors", doc(records=[PRBS | {"bits": 1e9, "errors": 5}], link_wait=LINK_READY), MEASUREMENT,
     "lane 1 upstream->downstream: 5 PRBS bit errors"),
    ("PRBS never locked", doc(records=[PRBS | {"bits": 0, "errors": 0}], link_wait=LINK_READY), MEASUREMENT,
     "PRBS tested no bits"),
    ("lane down", doc(records=[PRBS | {"bits": 1e9, "errors": 0}],
                      link_wait={"status": "degraded", "lanes": [0, 1, 2, 3], "lanes_up": [0, 1, 3]}),
     MEASUREMENT, "link fault: lane 2 down"),
    ("no lane probe in the build", doc(records=[{"probe": "pod"}],
                                       link_wait={"status": "skipped", "lanes": [], "lanes_up": [],
                                                  "reason": "this build has no lane probes"}),
     MEASUREMENT, "no lane probe in this build"),
    ("expected probe missing", doc(records=[DDR], verdicts=[HOLDS], expected={"probes": ["ddr", "hostlink"]}), MEASUREMENT,
     "probe 'hostlink' measured nothing"),
    ("regression", doc(records=[DDR], comparisons=[{"status": "regressed", "message": "DDR write regressed 12 %"}]),
     MEASUREMENT, "regressed 12 %"),
    ("error after measuring", doc(status="error", records=[DDR], errors=["board went silent"]), MEASUREMENT,
     "went silent"),
    ("never finished", doc(status="running", records=[DDR]), MEASUREMENT, "never finished"),
    ("could not run", doc(status="error", errors=["no cable: openFPGALoader --detect"]), NOT_RUN, "no cable"),
    ("could not run hides nothing else", doc(status="error", verdicts=[OPTIMISTIC], errors=["lock busy"]), NOT_RUN,
     "lock busy"),
    ("interrupted", doc(status="interrupted", records=[DDR], errors=["KeyboardInterrupt"]), INTERRUPTED,
     "interrupted"),
]


@pytest.mark.parametrize("name,document,outcome,says", CASES, ids=[c[0] for c in CASES])
def test_outcome_table(name, document, outcome, says):
    got = run_outcome(document)
    assert got.outcome == outcome, got
    assert says in got.message
    assert (got.message == "") == (outcome == PASSED)


def test_exit_codes_follow_the_outcome():
    assert run_outcome(CASES[0][1]).exit_code == 0
    assert run_outcome(CASES[1][1]).exit_code == 1
    assert run_outcome(CASES[4][1]).exit_code == 1
    assert run_outcome(doc(status="error", errors=["x"])).exit_code == 2
    assert run_outcome(doc(status="interrupted")).exit_code == 130


def test_every_finding_is_kept_worst_first():
    got = run_outcome(doc(records=[DDR], verdicts=[OPTIMISTIC], errors=["DDR checker found 1 bad words"]))
    assert [f.outcome for f in got.findings] == [MEASUREMENT, VERDICTS]
    assert got.messages(VERDICTS) == [OPTIMISTIC["message"]]
