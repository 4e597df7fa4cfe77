"""Hold a board's (or pair's) place in a process of its own, for the labgrid tests.

python holder.py LAB.yaml board|pair NAME [hold_s]: prints HELD when it holds it, then holds
until killed or hold_s passes. Identity comes from LG_HOSTNAME/LG_USERNAME in the environment."""
import signal
import sys
import time

from sailbench.harness.board.place_lock import lock_for_board, lock_for_pair_place
from sailbench.harness.config import load_lab

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))     # terminate releases, as sailbench's CLI does
lab = load_lab(sys.argv[1])
kind, name = sys.argv[2], sys.argv[3]
hold_s = float(sys.argv[4]) if len(sys.argv) > 4 else 3600.0
progress = lambda m: print(m, flush=True)
lock = (lock_for_board(lab, name, progress, wait_s=10, command=f"holder {name}") if kind == "board"
        else lock_for_pair_place(lab, name, progress, wait_s=10, command=f"holder {name}"))
with lock:
    print("HELD", flush=True)
    time.sleep(hold_s)
print("RELEASED", flush=True)
