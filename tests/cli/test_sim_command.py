"""`sailbench sim` on the simulated board: the commands it prints reach the board as printed, and Ctrl-C
says nothing of a results file (sim writes none)."""
import queue
import shlex
import signal
import subprocess
import sys
import threading

SAILBENCH = [sys.executable, "-m", "sailbench.harness.cli"]


def _lines(stream, out: queue.Queue) -> None:
    for line in stream:
        out.put(line.rstrip("\n"))
    out.put(None)


def test_the_printed_litex_commands_reach_the_running_board_and_ctrl_c_claims_no_results(tmp_path):
    sim = subprocess.Popen([*SAILBENCH, "sim", "--board", "sim"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # (SIGINT at its default in the child: Ctrl-C reaches it even when pytest runs as a background job)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(sim.stdout, lines), daemon=True).start()
    server = None
    try:
        said = []
        while not said or said[-1] != "Ctrl-C to stop.":
            line = lines.get(timeout=900)             # a first build takes minutes; the suite's is cached
            assert line is not None, "\n".join(said) + sim.stderr.read()
            said.append(line)
        ident = next(x for x in said if x.startswith("simulated board 'sim' running: ")).split(": ", 1)[1]
        server_cmd = next(x.strip() for x in said if "litex_server --udp" in x)
        client_cmd = next(x.strip() for x in said if "litex_cli" in x)
        server = subprocess.Popen(shlex.split(server_cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        first = server.stdout.readline()                 # "[CommUDP] ip: ... tcp port: 1234" once it listens
        assert "tcp port" in first, first
        client = subprocess.run(shlex.split(client_cmd), capture_output=True, text=True, timeout=60)
        assert client.returncode == 0, client.stdout + client.stderr
        assert client.stdout.strip("\x00 \n") == ident           # litex_cli prints the ROM string with its NUL
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        sim.send_signal(signal.SIGINT)
        try:
            _, err = sim.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            sim.terminate()                          # never leave a simulator behind (SIGTERM cleans up too)
            sim.communicate(timeout=60)
            raise AssertionError("sailbench sim did not stop within 60 s of SIGINT") from None
    assert sim.returncode == 130
    assert err.strip().splitlines()[-1] == "sailbench: interrupted", err
