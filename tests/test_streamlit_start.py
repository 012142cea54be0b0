"""The app's server (``python -m mapping.launch``, as ``make run`` starts it) sends nothing out.

Streamlit looks up the machine's public address at checkip.amazonaws.com
when it listens on every interface (``make serve``), and would send usage
statistics; ``.streamlit/config.toml`` turns both off.  The server runs here
under an audit hook (PEP 578) that logs every connection and name lookup
for another machine, from the start until it has printed where it listens.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_LOCAL = ("127.0.0.1", "::1", "localhost", "0.0.0.0", "::")

_WRAPPER = f"""
import sys

LOG = open(sys.argv[1], "a", buffering=1)

def hook(event, args):
    if event == "socket.connect":
        address = args[1]
    elif event == "socket.getaddrinfo":
        address = args
    else:
        return
    host = str(address[0]) if isinstance(address, tuple) else str(address)
    if host not in {_LOCAL!r} and not host.startswith("/"):
        LOG.write(f"{{event}} {{address!r}}\\n")

sys.addaudithook(hook)
from mapping.launch import main  # what `make run` and `make serve` start
main(sys.argv[2:])
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(condition, process: subprocess.Popen, output: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{output.read_text()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not start in {timeout}s:\n{output.read_text()}")
        time.sleep(0.2)  # wait-ok: the interval between polls of the server


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("address", ["127.0.0.1", "0.0.0.0"], ids=["make-run", "make-serve"])
def test_streamlit_starts_without_contacting_another_machine(tmp_path, address):
    connections, output = tmp_path / "connections.log", tmp_path / "streamlit.log"
    connections.touch()
    port = _free_port()
    args = ["--server.port", str(port), "--server.address", address, "--server.headless", "true"]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MAPA_DB": str(tmp_path / "m.gpkg")}
    with output.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", _WRAPPER, str(connections), *args],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_for(lambda: _healthy(port), process, output)
        # The start-up message is printed once the server listens: after it, the
        # public-address lookup would have happened.
        _wait_for(lambda: "URL:" in output.read_text(), process, output)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.status == 200
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert connections.read_text() == "", connections.read_text()


def test_the_settings_keep_streamlit_offline_and_tables_without_their_own_download():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["browser"]["serverAddress"] == "localhost"  # no checkip at start
    assert config["client"]["disableDataExport"] is True  # no raw "Download as CSV"
