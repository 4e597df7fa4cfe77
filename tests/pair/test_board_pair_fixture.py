"""The pytest `board_pair` fixture (--pair, --placement): named roles, one bench pod each."""
import pytest

pytestmark = pytest.mark.lab_pair


def test_board_pair_gives_two_identified_pods(board_pair, pair_name):
    assert board_pair.requested == pair_name
    assert [p.rank for p in board_pair.pods] == [0, 1]
    assert board_pair.upstream.role == "upstream" and board_pair.downstream.role == "downstream"
    assert board_pair.upstream.board == board_pair.pair.upstream
    up = board_pair.upstream.call("ident")
    down = board_pair.downstream.call("ident")
    assert "target=simpair-upstream" in up and "target=simpair-downstream" in down
    assert board_pair.downstream.call("scratch", {"value": 0x5A5A1234})["read"] == 0x5A5A1234
