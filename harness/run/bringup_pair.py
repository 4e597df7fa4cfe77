"""Bring-up's lane stage on a board cabled into a pair (lab.yaml `pairs`): its lanes go to the partner.

A board named in a hardware pair has its TX lanes cabled to the partner's RX
and the partner's TX to its RX, not looped back to itself. Its lane stage then:
- holds the partner (its board lock or labgrid place, without waiting: bring-up
  already holds this board and never waits while holding one, as the pair
  reservation does) and opens it to `identified` (loading its bitstream if it
  does not already run it);
- checks the pair's lanes in both directions, one each way: this board's TX into
  the partner's RX, then the partner's TX into this board's RX
  (harness/probes/lane_check.py: lock, alignment, short PRBS with its bound);
- when the partner cannot be used (another run holds it, it does not answer, its
  cable is missing), ends "needs partner": neither a pass nor a skip, naming the
  partner, why, and the pair command that checks these lanes.
"""
from __future__ import annotations

from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from sailbench.harness.board.board import Board
from sailbench.harness.config import Lab, PairConfig
from sailbench.harness.errors import SailbenchError, StageFailed

NEEDS_PARTNER = "needs partner"
ROLES = ("upstream", "downstream")

OpenPartner = Callable[["PairLink"], AbstractContextManager[Board]]


@dataclass(frozen=True)
class PairLink:
    """Board `board` as one end of `pair`: its role there, and the board at the other end."""
    pair: PairConfig
    board: str
    role: str

    @property
    def partner(self) -> str:
        return self.pair.downstream if self.role == "upstream" else self.pair.upstream

    @property
    def partner_role(self) -> str:
        return ROLES[1 - ROLES.index(self.role)]

    @property
    def command(self) -> str:
        """The command that measures these lanes with both boards (harness/run/pair/)."""
        return f"sailbench pair --pair {self.pair.name}"

    def lanes_text(self) -> str:
        lanes = list(self.pair.lanes)
        return f"lane{'s' if len(lanes) > 1 else ''} {', '.join(map(str, lanes))}"


def pair_link(lab: Lab, board: str) -> PairLink | None:
    """The hardware pair board `board` is cabled into (the first by name if lab.yaml names several),
    or None for a board in no pair (its lanes are looped back to itself)."""
    for _name, pair in sorted(lab.pairs.items()):
        if not pair.kind.simulated and board in pair.boards:
            return PairLink(pair, board, ROLES[pair.boards.index(board)])
    return None


@contextmanager
def hold_partner(lab: Lab, link: PairLink, progress: Callable[[str], None] = print) -> Iterator[Board]:
    """The partner board locked without waiting and opened to `identified`; closed and released on leaving.
    Raises the board's own error (BoardBusyError naming the holder, CableError, LoadError, ...)."""
    from sailbench.harness.board.factory import hold_board
    from sailbench.harness.board.lifecycle import BoardState
    command = f"sailbench bringup --board {link.board} (its pair partner, pair '{link.pair.name}')"
    with hold_board(lab, link.partner, progress, wait_s=0.0, command=command) as held:
        yield held.open(BoardState.IDENTIFIED)


def needs_partner(link: PairLink, why: str) -> tuple[str, str]:
    """The stage result when the partner cannot be used here: what goes where, why, and what to run."""
    verb = "go" if len(link.pair.lanes) > 1 else "goes"
    return NEEDS_PARTNER, (f"{link.lanes_text()} of board '{link.board}' {verb} to board '{link.partner}' (pair "
                           f"'{link.pair.name}', this board {link.role}), which cannot be used here: {why}; "
                           f"run `{link.command}` to check them")


def lane_stage_over_pair(board: Board, link: PairLink, profile: str, open_partner: OpenPartner,
                         records: list[dict], clock_tolerance: float = 0.005,
                         progress: Callable[[str], None] = print) -> tuple[str, str]:
    """The lane stage of `board` over its pair: the partner opened with `open_partner`, then each
    direction checked; (status, detail), or StageFailed naming the direction and lane."""
    with ExitStack() as stack:
        try:
            partner = stack.enter_context(open_partner(link))
        except SailbenchError as e:
            return needs_partner(link, str(e))
        same_rate(board, partner, link)
        progress(f"      partner '{link.partner}' ({link.partner_role}) identified; checking {link.lanes_text()} "
                 f"both ways")
        directions = check_both_ways(board, partner, link, profile, clock_tolerance)
    records.append({"probe": "lane_check", "board": link.board, "pair": link.pair.name, "partner": link.partner,
                    "directions": {d: [c.to_dict() for c in checks] for d, checks in directions.items()}})
    text = "\n      ".join(f"{d}: " + "; ".join(c.text() for c in checks) for d, checks in directions.items())
    bad = [f"lane {c.lane} {d}" for d, checks in directions.items() for c in checks if not c.passed]
    if len(bad) == sum(len(checks) for checks in directions.values()):
        raise StageFailed(text, f"every lane failed both ways: the cabling between '{link.board}' and "
                                f"'{link.partner}' as a whole, then both boards' reference clocks")
    if bad:
        raise StageFailed(text, f"{', '.join(bad)} failed, the others pass: check that lane's cable and connectors "
                                f"between '{link.board}' and '{link.partner}', then the sending board's TX and "
                                f"its channel's settings")
    return "passed", text


def same_rate(board: Board, partner: Board, link: PairLink) -> None:
    """Both builds' lanes at one line rate and code, or StageFailed naming both (no lane locks otherwise)."""
    def rate(b: Board) -> tuple[float, str] | None:
        lane = b.manifest.lane
        return (lane.line_rate_baud, lane.coding) if lane is not None else None
    mine, theirs = rate(board), rate(partner)
    if mine is not None and theirs is not None and mine != theirs:
        text = lambda r: f"{r[0] / 1e9:g} Gb/s {r[1]}"      # noqa: E731
        raise StageFailed(f"board '{link.board}' runs its lanes at {text(mine)}, its partner '{link.partner}' at "
                          f"{text(theirs)}: they cannot link",
                          f"build both at pairs.{link.pair.name}.line_rate in lab.yaml and load them again")


def check_both_ways(board: Board, partner: Board, link: PairLink, profile: str,
                    clock_tolerance: float) -> dict[str, list]:
    """The pair's lanes checked this board -> partner, then partner -> this board, each by its receiver."""
    from sailbench.harness.probes.clock import rate_clock_hz
    from sailbench.harness.probes.lane_check import check_lanes
    from sailbench.harness.probes.lanes import Lanes
    lanes = list(link.pair.lanes)
    ends = {link.board: Lanes.of(board, lanes), link.partner: Lanes.of(partner, lanes)}   # ConfigError: a lane unbuilt
    boards = {link.board: board, link.partner: partner}
    out: dict[str, list] = {}
    for tx, rx in ((link.board, link.partner), (link.partner, link.board)):
        receiver = boards[rx]
        channels = receiver.manifest.lane.channels if receiver.manifest.lane else None
        sys_hz = rate_clock_hz(receiver, clock_tolerance, duration_s=1.0).used_hz
        direction = f"{tx} -> {rx}"
        out[direction] = check_lanes(ends[tx], ends[rx], profile, direction=direction, channels=channels,
                                     sys_clk_hz=sys_hz, clock_tolerance=clock_tolerance)
    return out
