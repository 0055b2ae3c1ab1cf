"""Every setting sidedeal reads, in one typed object.

Values come from environment variables (``SIDEDEAL_*``, plus the conventional ``NEO4J_URI``,
``NEO4J_USER`` and ``NEO4J_PASSWORD``) or a ``.env`` file in the working directory. A bad value stops
start-up with pydantic's message naming the variable, instead of failing later in a query.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_PASSWORD = "sidedeal-dev-password"


class Settings(BaseSettings):
    """Typed settings; construct with ``get_settings()`` so every module shares one instance."""

    model_config = SettingsConfigDict(
        env_prefix="SIDEDEAL_", env_file=".env", extra="ignore", populate_by_name=True
    )

    environment: Literal["development", "test", "production"] = "development"

    neo4j_uri: str = Field(
        default="bolt://127.0.0.1:7687",
        validation_alias=AliasChoices("NEO4J_URI", "SIDEDEAL_NEO4J_URI"),
    )
    neo4j_user: str = Field(
        default="neo4j", validation_alias=AliasChoices("NEO4J_USER", "SIDEDEAL_NEO4J_USER")
    )
    neo4j_password: SecretStr = Field(
        default=SecretStr(DEV_PASSWORD),
        validation_alias=AliasChoices("NEO4J_PASSWORD", "SIDEDEAL_NEO4J_PASSWORD"),
    )
    neo4j_database: str = "neo4j"
    # Where `sidedeal neo4j up` keeps the local server's store, pid file and log.
    data_dir: Path = Path(".data")
    # "auto" uses Docker when an engine answers, the local Java launcher otherwise.
    neo4j_runtime: Literal["auto", "docker", "local"] = "auto"
    # The local server's memory: "auto" sizes it for the machine (or container) as Neo4j's own
    # memory recommendation does, after keeping `neo4j_memory_reserve` for sidedeal's processes;
    # or a size ("2g", "512m"). `sidedeal neo4j status` shows what the server got.
    neo4j_heap: str = "auto"
    neo4j_pagecache: str = "auto"
    neo4j_memory_reserve: str = "1536m"
    neo4j_start_timeout_s: float = 180.0
    # Bounds on waiting for Neo4j (a hung or unreachable server must never hang a caller):
    # opening a connection, waiting for a free one from the pool, and one statement (a
    # transaction timeout Neo4j enforces; 0: none). Managed transactions are retried on
    # transient errors for at most `neo4j_retry_s`.
    neo4j_connection_timeout_s: float = Field(default=5.0, gt=0, le=600)
    neo4j_acquisition_timeout_s: float = Field(default=10.0, gt=0, le=600)
    neo4j_query_timeout_s: float = Field(default=600.0, ge=0, le=86_400)
    neo4j_retry_s: float = Field(default=15.0, ge=0, le=600)

    # The analysis weights (a TOML like sidedeal/analysis/weights.toml); None: the shipped one.
    weights_file: Path | None = None

    ingest_batch_size: int = Field(default=5000, ge=1, le=200_000)
    # A running ingest renews a heartbeat on its IngestRun this often; a run whose process is
    # gone, or whose heartbeat is older than `ingest_stale_after_s`, is marked abandoned by the
    # next `ingest` or `neo4j up`.
    ingest_heartbeat_s: float = Field(default=15.0, gt=0, le=3600)
    ingest_stale_after_s: float = Field(default=120.0, gt=0, le=86_400)
    # The marketplace's own domains: links to them are not off-platform findings.
    platform_domains: list[str] = ["sidedeal-market.com", "sidedeal.example"]
    # Findings kept per message (``scanner.scan_result``); a message with more says so and how
    # many it had, instead of storing tens of thousands of copies of one number.
    scan_max_findings: int = Field(default=200, ge=1, le=1_000_000)
    # Message bodies longer than this (characters) are stored and scanned shortened, with a
    # marker; ingest keeps them whole in the run's bodies file (`<ingest-id>.bodies.jsonl`).
    max_body_chars: int = Field(default=100_000, ge=1000, le=50_000_000)

    # --- the HTTP API (`sidedeal serve`) ---
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    # Browser origins allowed to call the API (the explorer); empty: no CORS headers at all.
    api_cors_origins: list[str] = []
    # A request that has not started its answer after this many seconds gets 503 + Retry-After
    # (Neo4j hung or overloaded), whatever the graph is doing; /ready answers within 2 s.
    api_request_timeout_s: float = Field(default=30.0, gt=0, le=3600)
    # The largest request body accepted (bytes); 413 beyond, chunked bodies included.
    api_max_body_bytes: int = Field(default=1024 * 1024, ge=1024, le=1024**3)
    # The marketplace's commission on a sale, owed back by a confirmed off-platform sale.
    commission_rate: float = Field(default=0.15, ge=0, le=1)
    # How long a strike counts towards the escalation ladder.
    strike_expiry_months: int = Field(default=12, ge=1, le=120)
    # The escalation ladder: the n-th active strike leads to step n (the last step repeats).
    enforcement_ladder: list[str] = Field(
        default=["warning", "formal_notice", "final_notice", "suspension_recommended"],
        min_length=1,
    )
    # Regions a phone number typed without its country code is tried in, besides the countries of
    # the accounts in the graph (ingest used the account's country as the default region).
    phone_regions: list[str] = ["GB", "US", "FR", "DE", "IT"]
    # The largest network a request may ask for (nodes), so one call cannot pull the whole graph.
    network_max_nodes: int = Field(default=2000, ge=10, le=100_000)

    # Seconds a verified API key is remembered by an API process (one Neo4j look-up per key per
    # interval, not per request). A key revoked through the API stops at once in that process,
    # within this many seconds in others; 0: look every key up on every request.
    api_key_cache_s: float = Field(default=5.0, ge=0, le=300)

    # --- machine clients: the pre-send check, streaming events, webhooks ---
    # The pre-send check's policy (a TOML like sidedeal/casework/presend_policy.toml); None: the
    # shipped one. A bad policy stops start-up naming the rule at fault.
    scan_policy_file: Path | None = None
    # The most messages one POST /scan may carry, and the most events one POST /events may carry.
    scan_max_messages: int = Field(default=100, ge=1, le=10_000)
    events_max_batch: int = Field(default=1000, ge=1, le=100_000)
    # Hosts webhooks may deliver to ("hooks.example.com", "*.example.com", "127.0.0.1:8080").
    # Empty (the default): no webhook can be registered until an operator names its host, so a
    # webhook can never reach a service the API's host can see (Neo4j, a metadata endpoint).
    webhook_allowed_hosts: list[str] = []
    # Retries: exponential back-off from `base` seconds, doubling up to `max` seconds, for
    # `window` hours after the event; then the delivery is given up (`failed`).
    webhook_retry_base_s: float = Field(default=30.0, ge=0, le=3600)
    webhook_retry_max_s: float = Field(default=3600.0, ge=0, le=86_400)
    webhook_retry_window_h: float = Field(default=24.0, gt=0, le=24 * 30)
    # An endpoint whose every attempt failed for this long (and at least 3 in a row) is disabled.
    webhook_disable_after_s: float = Field(default=86_400.0, ge=0)
    webhook_timeout_s: float = Field(default=10.0, gt=0, le=120)
    # How often the worker's dispatcher looks for due deliveries, and how many it sends at once.
    webhook_dispatch_every_s: float = Field(default=2.0, gt=0, le=3600)
    webhook_concurrency: int = Field(default=4, ge=1, le=64)

    # --- the investigator explorer (`sidedeal dashboard`): a client of the API, never of Neo4j ---
    dashboard_host: str = "127.0.0.1"
    dashboard_port: int = Field(default=8501, ge=1, le=65535)
    # Where the explorer finds the API, and the key it sends. The key is read from
    # SIDEDEAL_DASHBOARD_API_KEY, else from the file (`sidedeal keys ensure --file ...` keeps one).
    dashboard_api_url: str = "http://127.0.0.1:8000"
    dashboard_api_key: SecretStr | None = None
    dashboard_api_key_file: Path = Path(".data/investigator.key")
    # Seconds an API call may take before the explorer says so (a run started from it waits 2 s).
    dashboard_timeout_s: float = Field(default=30.0, gt=0, le=600)

    @field_validator("neo4j_uri")
    @classmethod
    def _bolt_scheme(cls, value: str) -> str:
        schemes = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
        if not value.startswith(schemes):
            raise ValueError(
                f"NEO4J_URI must start with one of {', '.join(schemes)}; got {value!r}"
            )
        return value

    @field_validator("neo4j_heap", "neo4j_pagecache", "neo4j_memory_reserve")
    @classmethod
    def _memory_size(cls, value: str) -> str:
        text = value.strip().lower()
        if text == "auto" or re.fullmatch(r"\d+(\.\d+)?[kmg]?", text):
            return text
        raise ValueError(
            f'a Neo4j memory size is "auto" or a size such as "2g" or "512m"; got {value!r}'
        )

    @field_validator("dashboard_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(
                f"SIDEDEAL_DASHBOARD_API_URL must start with http:// or https://; got {value!r}"
            )
        return value.rstrip("/")

    @field_validator("neo4j_password")
    @classmethod
    def _password_length(cls, value: SecretStr) -> SecretStr:
        # Neo4j refuses passwords shorter than 8 characters; say so before it does.
        if len(value.get_secret_value()) < 8:
            raise ValueError("NEO4J_PASSWORD must be at least 8 characters (a Neo4j rule)")
        return value

    @field_validator("webhook_allowed_hosts")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        cleaned = [host.strip().lower() for host in value if host.strip()]
        for host in cleaned:
            if "/" in host or "@" in host or host.startswith(("http:", "https:")):
                raise ValueError(
                    "SIDEDEAL_WEBHOOK_ALLOWED_HOSTS holds host names (hooks.example.com, "
                    f"*.example.com, 127.0.0.1:8080), not URLs; got {host!r}"
                )
        return cleaned

    def check_production(self) -> None:
        """Refuse the development password outside development, as a deployed service must."""
        if (
            self.environment == "production"
            and self.neo4j_password.get_secret_value() == DEV_PASSWORD
        ):
            raise ValueError(
                "NEO4J_PASSWORD is the development default; set a real one in production"
            )

    @property
    def bolt_port(self) -> int:
        """The port of ``neo4j_uri`` (7687 when it names none)."""
        rest = self.neo4j_uri.split("://", 1)[1]
        hostport = rest.split("/", 1)[0]
        if ":" in hostport:
            return int(hostport.rsplit(":", 1)[1])
        return 7687


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    settings = Settings()
    settings.check_production()
    return settings
