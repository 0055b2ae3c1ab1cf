"""End-to-end fixtures: Debian's Chromium (installed here when missing and we are root, as on CI),
the explorer served by `sidedeal dashboard` in a subprocess against the real test API, and a
Playwright page in headless Chromium.

Playwright's own browser download does not work on these machines, so Playwright drives
``/usr/bin/chromium`` with the flags a closed network needs. The test is skipped only when
Chromium is missing and cannot be installed (not root, no apt-get, or the install failed), and the
skip says which.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.dashboard.conftest import api_url, free_port, keys, market

__all__ = ["api_url", "keys", "market"]

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.neo4j)
            item.add_marker(pytest.mark.e2e)


def install_chromium() -> str | None:
    """Install Debian's chromium if it is missing; the reason it cannot be had, else None."""
    if CHROMIUM.exists():
        return None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "Chromium is not installed and this user cannot apt-get install it (needs root)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return f"`{' '.join(command)}` failed: {done.stderr.strip()[-300:]}"
    return (
        None if CHROMIUM.exists() else "apt-get installed chromium but /usr/bin/chromium is missing"
    )


@pytest.fixture(scope="session")
def chromium() -> Path:
    reason = install_chromium()
    if reason:
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="module")
def explorer_url(
    api_url: str, keys: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`sidedeal dashboard` on a free port, pointed at the test API with an investigator key."""
    port = free_port()
    log = tmp_path_factory.mktemp("explorer") / "streamlit.log"
    env = {
        **os.environ,
        "SIDEDEAL_DASHBOARD_API_URL": api_url,
        "SIDEDEAL_DASHBOARD_API_KEY": keys["investigator"],
    }
    command = [str(Path(sys.executable).parent / "sidedeal"), "dashboard", "--port", str(port)]
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the explorer did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def page(chromium: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(chromium),
            args=FLAGS,
            headless=True,
            viewport={"width": 1400, "height": 1000},
        )
        context.set_default_timeout(30_000)
        try:
            yield context.new_page()
        finally:
            context.close()
