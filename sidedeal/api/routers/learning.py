"""The learning loop: precision per factor from decisions, weights versions, backtests.

decide (``POST /flags/{id}/decision``) -> ``GET /signals`` -> ``POST /weights`` (a candidate) ->
``POST /weights/{v}/backtest`` -> ``POST /weights/{v}/activate``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from sidedeal.api.deps import AdminDep, InvestigatorDep, SettingsDep, StoreDep, ViewerDep
from sidedeal.api.routers.params import ObjectId, SellerId
from sidedeal.api.schemas.bodies import ActivateIn, WeightsIn
from sidedeal.api.schemas.common import READ_ERRORS, WRITE_ERRORS
from sidedeal.casework import ledger as ledgers
from sidedeal.casework import signals as signal_figures
from sidedeal.casework import weights as versions
from sidedeal.casework.ledger import Ledger
from sidedeal.casework.signals import SignalPublic
from sidedeal.casework.weights import (
    ActivateResult,
    BacktestPublic,
    ProposeResult,
    WeightsVersionPublic,
)

router = APIRouter(tags=["learning"])


@router.get("/signals", response_model=list[SignalPublic], responses=READ_ERRORS)
def get_signals(
    actor: InvestigatorDep,
    store: StoreDep,
    since: Annotated[
        datetime | None, Query(description="Only flags raised or decided since then.")
    ] = None,
    weights_version: Annotated[
        str | None, Query(max_length=50, description="Only flags of this weights version.")
    ] = None,
) -> list[SignalPublic]:
    """Per weights version and factor: flags carrying it (at all, as the top factor), decided,
    confirmed, dismissed, unsure, precision with its 95% Wilson interval, median time to a
    decision."""
    return signal_figures.signals(store, since=since, version=weights_version)


@router.get("/weights", response_model=list[WeightsVersionPublic], responses=READ_ERRORS)
def list_weights(
    actor: ViewerDep, store: StoreDep, settings: SettingsDep
) -> list[WeightsVersionPublic]:
    """Every weights version, newest first; one is active (seeded from weights.toml)."""
    versions.active(store, settings.weights_file)
    return versions.list_versions(store)


@router.get("/weights/{version}", response_model=WeightsVersionPublic, responses=READ_ERRORS)
def get_weights(version: ObjectId, actor: ViewerDep, store: StoreDep) -> WeightsVersionPublic:
    """One version with its TOML content."""
    return versions.get(store, version)


@router.post("/weights", response_model=ProposeResult, status_code=201, responses=WRITE_ERRORS)
def propose_weights(body: WeightsIn, actor: AdminDep, store: StoreDep) -> ProposeResult:
    """Store candidate weights as a new, inactive version (checked first: a 400 names the bad
    key). Weights equal to a stored version's return that version (``created: false``)."""
    return versions.propose(store, body.content, f"{actor.name} ({actor.key_id})", body.note, actor)


@router.post("/weights/{version}/activate", response_model=ActivateResult, responses=WRITE_ERRORS)
def activate_weights(
    version: ObjectId, body: ActivateIn, actor: AdminDep, store: StoreDep, settings: SettingsDep
) -> ActivateResult:
    """Make a version the active weights (audited, with the note); the next analysis run and
    re-score use it. 409 when it is active already."""
    versions.active(store, settings.weights_file)
    return versions.activate(store, version, body.note, actor)


@router.post("/weights/{version}/backtest", response_model=BacktestPublic, responses=WRITE_ERRORS)
def backtest_weights(
    version: ObjectId, actor: InvestigatorDep, store: StoreDep, settings: SettingsDep
) -> BacktestPublic:
    """Score the current graph with this version beside the active one, writing nothing: flags
    raised, cleared and unchanged by kind, the overlap of the queue's top 50, and on decided
    flags, confirmed ones lost, dismissed ones still raised, precision and recall of each. Takes
    about as long as an analysis run (bench/RESULTS.md)."""
    candidate = versions.version_weights(store, version)
    return versions.run_backtest(store, version, candidate, settings.weights_file)


@router.get("/sellers/{seller_id}/ledger", response_model=Ledger, responses=READ_ERRORS)
def seller_ledger(
    seller_id: SellerId, actor: ViewerDep, store: StoreDep, settings: SettingsDep
) -> Ledger:
    """Per currency: commission at risk on the seller's open flags, on its confirmed flags,
    billed and recovered through recovery orders."""
    return ledgers.ledger(store, seller_id, commission_rate=settings.commission_rate)
