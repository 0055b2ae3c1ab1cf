"""docker-compose.yml against the code it starts.

This machine has no Docker engine, so the stack itself is not run here. What can drift silently is
checked instead: every `sidedeal ...` command a service runs must parse with today's CLI, every
environment variable it sets must be a setting the code reads, and the start order must wait on
health checks that probe endpoints the code serves.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from pydantic import AliasChoices

from sidedeal.api.app import create_app
from sidedeal.cli import app as cli_app
from sidedeal.settings import Settings

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"
PYTHON_SERVICES = ("api", "dashboard", "worker")
# Read by the image or by pip, not by sidedeal's settings.
FOREIGN_ENV = {"NEO4J_AUTH", "PIP_DISABLE_PIP_VERSION_CHECK"}


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return dict(document["services"])


def _defaults(text: str) -> str:
    """``${NAME:-default}`` becomes its default, as compose does when the variable is unset."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", text)


def _sidedeal_commands(command: str) -> list[list[str]]:
    inner = shlex.split(_defaults(command))
    script = inner[inner.index("-c") + 1] if "-c" in inner else " ".join(inner)
    found = []
    for step in script.split("&&"):
        words = shlex.split(step)
        if words and words[0] == "exec":
            words = words[1:]
        if words and words[0] == "sidedeal":
            found.append(words[1:])
    return found


def _parse(args: list[str]) -> Any:
    """Parse ``args`` the way `sidedeal` would, down to the leaf command, without running it.

    Typer ships its own copy of click, so groups are recognised by what they do, not their class.
    """
    command: Any = typer.main.get_command(cli_app)
    ctx = command.make_context("sidedeal", list(args))
    while hasattr(command, "resolve_command"):
        protected = getattr(ctx, "protected_args", None) or getattr(ctx, "_protected_args", [])
        rest = [*protected, *ctx.args]
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None and name is not None
        command, ctx = sub, sub.make_context(name, rest, parent=ctx)
    return ctx


def _setting_names() -> set[str]:
    prefix = str(Settings.model_config.get("env_prefix", ""))
    names = set()
    for field_name, field in Settings.model_fields.items():
        names.add(f"{prefix}{field_name}".upper())
        if isinstance(field.validation_alias, AliasChoices):
            names |= {str(choice).upper() for choice in field.validation_alias.choices}
    return names


def test_the_stack_has_its_four_services(services: dict[str, Any]) -> None:
    assert set(services) == {"neo4j", *PYTHON_SERVICES}
    assert services["neo4j"]["image"].startswith("neo4j:5.26")


@pytest.mark.parametrize("service", PYTHON_SERVICES)
def test_every_sidedeal_command_parses_with_the_cli(services: dict[str, Any], service: str) -> None:
    commands = _sidedeal_commands(services[service]["command"])
    assert commands, f"{service} runs no sidedeal command"
    for args in commands:
        assert _parse(args).info_name in args, args


def test_services_listen_where_their_ports_point(services: dict[str, Any]) -> None:
    for service in ("api", "dashboard"):
        args = _sidedeal_commands(services[service]["command"])[-1]
        ctx = _parse(args)
        published = _defaults(services[service]["ports"][0]).rsplit(":", 1)[1]
        assert str(ctx.params["port"]) == published, service
        assert ctx.params["host"] == "0.0.0.0", f"{service} must listen beyond the container"


@pytest.mark.parametrize("service", PYTHON_SERVICES)
def test_environment_names_are_settings_the_code_reads(
    services: dict[str, Any], service: str
) -> None:
    unknown = set(services[service].get("environment", {})) - _setting_names() - FOREIGN_ENV
    assert not unknown, f"{service} sets variables no setting reads: {sorted(unknown)}"


def test_start_order_waits_on_health(services: dict[str, Any]) -> None:
    assert services["api"]["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert services["dashboard"]["depends_on"]["api"]["condition"] == "service_healthy"
    assert services["worker"]["depends_on"]["api"]["condition"] == "service_healthy"
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"


def test_the_api_health_check_probes_a_route_the_api_serves(services: dict[str, Any]) -> None:
    probe = " ".join(services["api"]["healthcheck"]["test"])
    path = re.search(r"127\.0\.0\.1:8000(/[a-z]+)", probe)
    assert path is not None, probe
    assert path.group(1) in create_app(Settings()).openapi()["paths"]
    assert path.group(1) == "/ready", "the API is healthy once Neo4j answers and migrations ran"


def test_the_check_itself_refuses_what_the_cli_would() -> None:
    """A misspelt option or a bad value fails the parse, so the checks above can fail."""
    with pytest.raises(Exception, match="No such option"):
        _parse(["worker", "--evry", "1h"])
    with pytest.raises(Exception, match="No such command"):
        _parse(["db", "migrat"])
    assert _sidedeal_commands('sh -c "pip install /app && exec sidedeal worker --every 1h"') == [
        ["worker", "--every", "1h"]
    ]
