"""The app's server for browser tests and benches: a real streamlit run on a free port.

As in Streamlit's own e2e harness: the server starts on a free port, we poll
``/_stcore/health`` until it answers, dump its output if it dies, and always
terminate it.  ``tests/e2e/conftest.py`` and ``bench/app_pages.py`` both start
the app through here.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["REPO", "Server", "app_env", "init_store", "running_app"]

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running `streamlit run app.py`."""

    url: str
    store_path: Path
    process: subprocess.Popen


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)  # wait-ok: the interval between polls of /_stcore/health
    raise RuntimeError(f"streamlit did not answer in {timeout}s:\n{log.read_text()}")


def init_store(store_path: Path, env: dict[str, str]) -> None:
    """Create a store from the bundled data with the command line, as `make run` does."""
    subprocess.run(
        [sys.executable, "-m", "mapping", "init", "--db", str(store_path)],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )


@contextmanager
def running_app(
    store_path: Path, env: dict[str, str], log: Path, *, launcher: bool = False
) -> Iterator[Server]:
    """`streamlit run app.py` on a free port of 127.0.0.1 over ``store_path``; always stopped.

    ``launcher`` starts it as ``make run`` does (``python -m mapping.launch``).
    """
    port = _free_port()
    start = ["mapping.launch"] if launcher else ["streamlit", "run", "app.py"]
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable, "-m", *start,
                "--server.port", str(port), "--server.headless", "true",
                "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://localhost:{port}"
    try:
        _wait_healthy(url, process, log)
        yield Server(url, store_path, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def app_env(store_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a test server: its own store, this checkout on the path."""
    env = {**os.environ, "MAPA_DB": str(store_path), "PYTHONPATH": str(REPO)}
    env.pop("MAPA_TEAM", None)  # a developer's shell may have team mode on
    return {**env, **extra}
