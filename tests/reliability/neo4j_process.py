"""Pause or kill the TEST Neo4j's own process, never another: the pid comes from the pid file of
this checkout's test server (``server.status``), and its command line must name that server's
state directory before any signal is sent."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sidedeal.graph import server
from sidedeal.settings import Settings


def test_server_pid(settings: Settings) -> int:
    """The test server's pid (read now: a test may have restarted it), checked against its
    command line; skips when there is none (Docker, or a server this checkout did not start)."""
    state = server.status(settings)
    if state.pid is None or state.runtime != "local" or not state.state_dir:
        pytest.skip("the test Neo4j is not a local process this checkout started")
    try:
        cmdline = Path(f"/proc/{state.pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        pytest.skip(f"cannot read the command line of pid {state.pid}")
    if state.state_dir.encode() not in cmdline:
        pytest.fail(f"pid {state.pid} is not the test Neo4j of {state.state_dir}; not touching it")
    return state.pid


@contextmanager
def paused(settings: Settings) -> Iterator[int]:
    """SIGSTOP the test Neo4j for the block; SIGCONT always follows."""
    pid = test_server_pid(settings)
    os.kill(pid, signal.SIGSTOP)
    try:
        yield pid
    finally:
        os.kill(pid, signal.SIGCONT)


def kill_and_restart(settings: Settings) -> float:
    """SIGKILL the test Neo4j, wait for it to die, start it again; return the seconds it was
    away."""
    pid = test_server_pid(settings)
    started = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    while not _gone(pid):
        assert time.monotonic() - started < 60, f"pid {pid} did not die within 60 s of SIGKILL"
        time.sleep(0.05)
    server.up(settings)
    return time.monotonic() - started


def _gone(pid: int) -> bool:
    """Whether ``pid`` has died. When this session started the server, it is our child: a dead
    child stays a zombie (its /proc entry remains) until reaped, so reap it here."""
    with contextlib.suppress(ChildProcessError):  # not our child: init reaps it
        os.waitpid(pid, os.WNOHANG)
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"
