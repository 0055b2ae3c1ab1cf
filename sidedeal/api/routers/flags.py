"""The flag queue, one flag, decisions and assignment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response

from sidedeal.api.deps import InvestigatorDep, SettingsDep, StoreDep, ViewerDep, as_json, shown
from sidedeal.api.routers.params import Limit, ObjectId, Offset
from sidedeal.api.schemas.bodies import AssignIn, BulkAssignIn, DecisionIn, ReopenIn
from sidedeal.api.schemas.common import READ_ERRORS, WRITE_ERRORS
from sidedeal.api.schemas.lists import FlagsPublic
from sidedeal.casework import decisions, flags
from sidedeal.casework.decisions import AssignResult, DecisionResult
from sidedeal.casework.flags import FlagKind, FlagPublic, FlagSort, FlagStatus

router = APIRouter(tags=["flags"])

Score = Annotated[float | None, Query(ge=0, le=1)]
Days = Annotated[float | None, Query(ge=0, le=36500)]
Text = Annotated[str | None, Query(min_length=1, max_length=200)]


@router.get("/flags", response_model=FlagsPublic, responses=READ_ERRORS)
def flag_queue(
    actor: ViewerDep,
    store: StoreDep,
    settings: SettingsDep,
    status: Annotated[list[FlagStatus] | None, Query(description="Any of these.")] = None,
    kind: FlagKind | None = None,
    min_score: Score = None,
    max_score: Score = None,
    min_age_days: Days = None,
    max_age_days: Days = None,
    assignee: Text = None,
    unassigned: bool = False,
    seller_id: Text = None,
    buyer_id: Text = None,
    include_suppressed: Annotated[
        bool, Query(description="Also show allow-listed and snoozed pairs.")
    ] = False,
    evidence_after: Annotated[
        datetime | None, Query(description="Only flags whose last evidence is this recent.")
    ] = None,
    evidence_before: Annotated[
        datetime | None, Query(description="Only flags whose last evidence is older.")
    ] = None,
    sort: Annotated[
        FlagSort,
        Query(
            description="score_desc (default); rank_desc: a key that does not saturate at 1.00; "
            "value_desc: money at risk; evidence_newest: the most recent conduct first."
        ),
    ] = "score_desc",
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """The queue, filtered and sorted, one page at a time; each flag with its reasons."""
    data, count = flags.queue(
        store,
        statuses=status,
        kind=kind,
        min_score=min_score,
        max_score=max_score,
        min_age_days=min_age_days,
        max_age_days=max_age_days,
        assignee=assignee,
        unassigned=unassigned,
        seller_id=seller_id,
        buyer_id=buyer_id,
        include_suppressed=include_suppressed,
        evidence_after=evidence_after,
        evidence_before=evidence_before,
        sort=sort,
        limit=limit,
        offset=offset,
        commission_rate=settings.commission_rate,
    )
    view = FlagsPublic(data=data, count=count)
    if not data:
        return as_json(view)
    return as_json(shown(view, actor, store, "flags.read", [f.flag_id for f in data]))


@router.get("/flags/{flag_id}", response_model=FlagPublic, responses=READ_ERRORS)
def get_flag(
    flag_id: ObjectId, actor: ViewerDep, store: StoreDep, settings: SettingsDep
) -> Response:
    """One flag: reasons, score factors with evidence, features, decision and cases."""
    view = flags.get_flag(store, flag_id, commission_rate=settings.commission_rate)
    return as_json(shown(view, actor, store, "flag.read", [flag_id]))


@router.post("/flags/assign", response_model=AssignResult, responses=WRITE_ERRORS)
def bulk_assign(body: BulkAssignIn, actor: InvestigatorDep, store: StoreDep) -> AssignResult:
    """Assign many flags at once (``missing`` lists ids that match no flag)."""
    return decisions.assign(store, body.flag_ids, body.assignee, actor)


@router.post("/flags/{flag_id}/assign", response_model=AssignResult, responses=WRITE_ERRORS)
def assign(
    flag_id: ObjectId, body: AssignIn, actor: InvestigatorDep, store: StoreDep
) -> AssignResult:
    """Assign the flag to someone, or unassign it with ``null``."""
    result = decisions.assign(store, [flag_id], body.assignee, actor)
    if result.missing:
        flags.get_flag(store, flag_id, commission_rate=0.0)  # raises NotFound with its message
    return result


@router.post("/flags/{flag_id}/decision", response_model=DecisionResult, responses=WRITE_ERRORS)
def decide(
    flag_id: ObjectId,
    body: DecisionIn,
    actor: InvestigatorDep,
    store: StoreDep,
    settings: SettingsDep,
) -> DecisionResult:
    """Confirm, dismiss or mark unsure, with a note. A confirmation puts the flag in its
    seller's open case (opening one, and adding a strike, when there is none). Confirming a
    confirmed flag changes nothing (``changed: false`` and a ``message``, with its cases): a
    flag's evidence counts toward one strike, and only new evidence opens another case."""
    return decisions.decide(
        store, flag_id, body.decision, body.note, actor, months=settings.strike_expiry_months
    )


@router.post("/flags/{flag_id}/reopen", response_model=DecisionResult, responses=WRITE_ERRORS)
def reopen(
    flag_id: ObjectId,
    body: ReopenIn,
    actor: InvestigatorDep,
    store: StoreDep,
    settings: SettingsDep,
) -> DecisionResult:
    """Re-open a decided flag (status ``open``), with a required note; audited. A notified
    case keeps it on record, an open case loses it (voided when left empty)."""
    return decisions.reopen(store, flag_id, body.note, actor, months=settings.strike_expiry_months)
