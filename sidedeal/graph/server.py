"""Start, stop and inspect the Neo4j that sidedeal talks to.

``up`` uses Docker (the compose file's ``neo4j`` service) where an engine answers, and otherwise the
local launcher in ``deploy/neo4j`` (embedded Neo4j Community 5.26 with Bolt, built once with Maven).
Each Bolt port gets its own state folder under the data directory (store, pid file, log), so the test
suite's server on another port never touches the demo data. ``up`` returns only once Bolt answers a
query with the configured credentials.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sidedeal.errors import SidedealError, StoreUnavailable
from sidedeal.graph import memory
from sidedeal.graph.memory import MemoryPlan
from sidedeal.graph.store import Store
from sidedeal.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
LAUNCHER_DIR = REPO_ROOT / "deploy" / "neo4j"
LAUNCHER_CLASS = "sidedeal.neo4j.Launcher"
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
# The stock neo4j.conf opens these modules; without java.nio the page cache cannot link on Java 17.
JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+UseG1GC",
    "-Dfile.encoding=UTF-8",
)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class Neo4jStartError(SidedealError):
    status = 503


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    uri: str
    runtime: str | None
    pid: int | None
    version: str | None
    state_dir: str
    log: str | None
    detail: str = ""
    # The heap and page cache the local server was started with, and how they were chosen.
    memory: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def state_dir(settings: Settings) -> Path:
    return (settings.data_dir / f"neo4j-{settings.bolt_port}").resolve()


def _host(settings: Settings) -> str:
    return urlparse(settings.neo4j_uri).hostname or "127.0.0.1"


def _probe(settings: Settings) -> tuple[str | None, str]:
    """The server version if Bolt answers a query with our credentials, else why not."""
    try:
        with Store.from_settings(settings) as store:
            return store.ping(), ""
    except StoreUnavailable as error:
        return None, error.message
    except Exception as error:  # the driver raises many kinds while a server is still booting
        return None, f"{error.__class__.__name__}: {error}"


def _read_pid(path: Path) -> int | None:
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    # A recycled pid belongs to some other program: never signal it.
    return pid if LAUNCHER_CLASS.encode() in cmdline else None


def _docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        done = subprocess.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"],
            capture_output=True,
            timeout=8,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _runtime(settings: Settings) -> str:
    if settings.neo4j_runtime != "auto":
        return settings.neo4j_runtime
    return "docker" if _docker_available() else "local"


def memory_plan(settings: Settings) -> MemoryPlan:
    """What a server started now would get (the settings' sizes, or sized for this machine)."""
    return memory.plan(settings.neo4j_heap, settings.neo4j_pagecache, settings.neo4j_memory_reserve)


def _started_memory(folder: Path) -> dict[str, Any] | None:
    """The memory plan the running local server was started with (written by ``up``)."""
    try:
        loaded = json.loads((folder / "memory.json").read_text())
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def _tail(path: Path | None, lines: int = 30) -> str:
    if path is None or not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def ensure_launcher_built() -> Path:
    """Build the local launcher with Maven unless its classes are newer than its sources."""
    classes = LAUNCHER_DIR / "target" / "classes" / "sidedeal" / "neo4j" / "Launcher.class"
    lib = LAUNCHER_DIR / "target" / "lib"
    sources = [LAUNCHER_DIR / "pom.xml", *LAUNCHER_DIR.glob("src/**/*.java")]
    if classes.exists() and lib.is_dir() and any(lib.iterdir()):
        newest_source = max(p.stat().st_mtime for p in sources)
        if classes.stat().st_mtime >= newest_source:
            return LAUNCHER_DIR / "target"
    if shutil.which("mvn") is None:
        raise Neo4jStartError(
            "No Docker engine answers and Maven (mvn) is not installed, so the local Neo4j launcher "
            "cannot be built: install Maven and a JDK 17+, or Docker"
        )
    done = subprocess.run(
        ["mvn", "-q", "-B", "package", "-DskipTests"],
        cwd=LAUNCHER_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise Neo4jStartError(
            "Building the local Neo4j launcher failed (mvn package in deploy/neo4j):\n"
            + (done.stdout + done.stderr)[-3000:]
        )
    return LAUNCHER_DIR / "target"


def _start_local(settings: Settings, folder: Path) -> subprocess.Popen[bytes]:
    target = ensure_launcher_built()
    java = shutil.which("java", path=os.path.join(os.environ.get("JAVA_HOME", ""), "bin")) or (
        shutil.which("java")
    )
    if java is None:
        raise Neo4jStartError("No `java` found (JAVA_HOME or PATH): install a JDK 17+")
    folder.mkdir(parents=True, exist_ok=True)
    log = (folder / "neo4j.log").open("ab")
    classpath = f"{target / 'classes'}{os.pathsep}{target / 'lib' / '*'}"
    sizes = memory_plan(settings)
    command = [
        java,
        f"-Xms{sizes.heap_mb}m",
        f"-Xmx{sizes.heap_mb}m",
        *JVM_FLAGS,
        "-cp",
        classpath,
        LAUNCHER_CLASS,
        "--home",
        str(folder / "home"),
        "--host",
        _host(settings),
        "--port",
        str(settings.bolt_port),
        "--pagecache-mb",
        str(sizes.pagecache_mb),
    ]
    env = {**os.environ, "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value()}
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    (folder / "neo4j.pid").write_text(str(process.pid))
    (folder / "runtime").write_text("local")
    (folder / "memory.json").write_text(json.dumps(sizes.as_dict()))
    return process


def _compose(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "NEO4J_BOLT_PORT": str(settings.bolt_port),
    }
    return subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE_FILE), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def _start_docker(settings: Settings, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    done = _compose(settings, "up", "-d", "neo4j")
    if done.returncode != 0:
        raise Neo4jStartError(f"docker compose up neo4j failed:\n{done.stderr[-3000:]}")
    (folder / "runtime").write_text("docker")


def status(settings: Settings) -> ServerStatus:
    folder = state_dir(settings)
    pid = _read_pid(folder / "neo4j.pid")
    runtime_file = folder / "runtime"
    runtime = runtime_file.read_text().strip() if runtime_file.exists() else None
    version, detail = _probe(settings)
    log = folder / "neo4j.log"
    return ServerStatus(
        running=version is not None,
        uri=settings.neo4j_uri,
        runtime=runtime,
        pid=pid,
        version=version,
        state_dir=str(folder),
        log=str(log) if log.exists() else None,
        detail=detail,
        memory=_started_memory(folder) if runtime == "local" and pid is not None else None,
    )


def up(settings: Settings) -> ServerStatus:
    """Start Neo4j unless it already answers; return once Bolt accepts a query."""
    current = status(settings)
    if current.running:
        return current
    if _host(settings) not in LOCAL_HOSTS:
        raise Neo4jStartError(
            f"Neo4j does not answer at {settings.neo4j_uri} ({current.detail}); `neo4j up` only "
            "starts a server on this machine (127.0.0.1)"
        )
    if "credentials" in current.detail:
        raise Neo4jStartError(
            f"A Neo4j already listens at {settings.neo4j_uri} but refused our credentials: set "
            "NEO4J_PASSWORD to its password, or stop it and run `sidedeal neo4j up` again"
        )
    folder = state_dir(settings)
    process: subprocess.Popen[bytes] | None = None
    if current.pid is None:
        runtime = _runtime(settings)
        if runtime == "docker":
            _start_docker(settings, folder)
        else:
            process = _start_local(settings, folder)
    return _wait_until_ready(settings, folder, process)


def _wait_until_ready(
    settings: Settings, folder: Path, process: subprocess.Popen[bytes] | None
) -> ServerStatus:
    log = folder / "neo4j.log"
    deadline = time.monotonic() + settings.neo4j_start_timeout_s
    detail = ""
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise Neo4jStartError(
                f"Neo4j exited with code {process.returncode} while starting. Log tail "
                f"({log}):\n{_tail(log)}"
            )
        version, detail = _probe(settings)
        if version is not None:
            return status(settings)
        time.sleep(0.5)
    if process is not None:
        process.terminate()
    raise Neo4jStartError(
        f"Neo4j did not answer at {settings.neo4j_uri} within {settings.neo4j_start_timeout_s:.0f}s "
        f"(last error: {detail}). Log tail ({log}):\n{_tail(log)}"
    )


def down(settings: Settings, timeout_s: float = 60.0) -> bool:
    """Stop the server this data directory started; return whether anything was stopped."""
    folder = state_dir(settings)
    runtime_file = folder / "runtime"
    if runtime_file.exists() and runtime_file.read_text().strip() == "docker":
        done = _compose(settings, "stop", "neo4j")
        runtime_file.unlink(missing_ok=True)
        return done.returncode == 0
    pid = _read_pid(folder / "neo4j.pid")
    if pid is None:
        (folder / "neo4j.pid").unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)  # the launcher's shutdown hook closes the store cleanly
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and _read_pid(folder / "neo4j.pid") is not None:
        time.sleep(0.2)
    if _read_pid(folder / "neo4j.pid") is not None:
        os.kill(pid, signal.SIGKILL)
    (folder / "neo4j.pid").unlink(missing_ok=True)
    return True
