"""Cases, their notices along the escalation ladder, and recovery orders."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from sidedeal.api.deps import InvestigatorDep, SettingsDep, StoreDep, ViewerDep, shown
from sidedeal.api.routers.params import Limit, ObjectId, Offset
from sidedeal.api.schemas.bodies import CloseCaseIn, CommentIn, RecoveryOrderIn, RecoveryStatusIn
from sidedeal.api.schemas.common import READ_ERRORS, WRITE_ERRORS
from sidedeal.api.schemas.lists import (
    CaseDetail,
    CasesPublic,
    CommentsPublic,
    NoticesPublic,
    RecoveryOrdersPublic,
)
from sidedeal.casework import cases, comments, enforcement, recovery
from sidedeal.casework.cases import CasePublic, CaseStatus
from sidedeal.casework.comments import CommentPublic
from sidedeal.casework.enforcement import NoticePreview, NoticePublic
from sidedeal.casework.recovery import RecoveryOrderPublic, RecoveryStatus

router = APIRouter(tags=["cases"])

Text = Annotated[str | None, Query(min_length=1, max_length=200)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        max_length=200,
        description="Makes a retried request return what the first one created.",
    ),
]


@router.get("/cases", response_model=CasesPublic, responses=READ_ERRORS)
def list_cases(
    actor: ViewerDep,
    store: StoreDep,
    status: CaseStatus | None = None,
    seller_id: Text = None,
    assignee: Annotated[
        str | None, Query(min_length=1, max_length=200, description="A flag's assignee.")
    ] = None,
    step: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            description="A ladder step whose notice went out (``none``: no notice yet).",
        ),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> CasesPublic:
    """Cases, newest first; filtered by status, seller, assignee of one of their flags, or the
    ladder step of their notice."""
    data, count = cases.list_cases(
        store,
        status=status,
        seller_id=seller_id,
        assignee=assignee,
        step=step,
        limit=limit,
        offset=offset,
    )
    view = CasesPublic(data=data, count=count)
    if not data:
        return view
    return shown(view, actor, store, "cases.read", [c.case_id for c in data])


@router.get("/cases/{case_id}", response_model=CaseDetail, responses=READ_ERRORS)
def get_case(case_id: ObjectId, actor: ViewerDep, store: StoreDep) -> CaseDetail:
    """The case, its confirmed flags, notices and recovery orders."""
    view = CaseDetail(
        case=cases.get_case(store, case_id),
        notices=enforcement.list_notices(store, case_id=case_id),
        recovery_orders=recovery.list_orders(store, case_id=case_id, limit=500)[0],
    )
    return shown(view, actor, store, "case.read", [case_id])


@router.get("/cases/{case_id}/comments", response_model=CommentsPublic, responses=READ_ERRORS)
def list_comments(case_id: ObjectId, actor: ViewerDep, store: StoreDep) -> CommentsPublic:
    """The case's comments, oldest first (masked for viewers)."""
    data = comments.list_comments(store, case_id)
    view = CommentsPublic(data=data, count=len(data))
    return shown(view, actor, store, "case_comments.read", [case_id])


@router.post(
    "/cases/{case_id}/comments",
    response_model=CommentPublic,
    status_code=201,
    responses=WRITE_ERRORS,
)
def add_comment(
    case_id: ObjectId, body: CommentIn, actor: InvestigatorDep, store: StoreDep
) -> CommentPublic:
    """Add a comment to the case (investigators, admins); comments are never edited."""
    return comments.add(store, case_id, body.body, actor)


@router.post("/cases/{case_id}/close", response_model=CasePublic, responses=WRITE_ERRORS)
def close_case(
    case_id: ObjectId, body: CloseCaseIn, actor: InvestigatorDep, store: StoreDep
) -> CasePublic:
    """Close the case (its strike stays: the violation was confirmed)."""
    return cases.close_case(store, case_id, body.note, actor)


@router.get("/cases/{case_id}/notice-preview", response_model=NoticePreview, responses=READ_ERRORS)
def preview_notice(
    case_id: ObjectId, actor: ViewerDep, store: StoreDep, settings: SettingsDep
) -> NoticePreview:
    """The notice ``POST /cases/{id}/notices`` would issue now: the ladder's step for the
    case's strike and its text (nothing is recorded; 409 for a closed or void case)."""
    view = enforcement.preview_notice(
        store,
        case_id,
        ladder=settings.enforcement_ladder,
        expiry_months=settings.strike_expiry_months,
    )
    return shown(view, actor, store, "notice.preview", [case_id])


@router.post(
    "/cases/{case_id}/notices",
    response_model=NoticePublic,
    status_code=201,
    responses={**WRITE_ERRORS, 200: {"model": NoticePublic, "description": "Already issued"}},
)
def issue_notice(
    case_id: ObjectId,
    response: Response,
    actor: InvestigatorDep,
    store: StoreDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> NoticePublic:
    """Issue the case's notice: the ladder's step for its strike, rendered with the evidence.
    Never twice: asking again returns the notice already issued (200 instead of 201), also
    when requests race. An ``Idempotency-Key`` already used for another case is 422."""
    notice, created = enforcement.issue_notice(
        store,
        case_id,
        actor,
        ladder=settings.enforcement_ladder,
        expiry_months=settings.strike_expiry_months,
        idempotency_key=idempotency_key,
    )
    if not created:
        response.status_code = 200
    return notice


@router.get("/notices", response_model=NoticesPublic, responses=READ_ERRORS)
def list_notices(
    actor: ViewerDep,
    store: StoreDep,
    case_id: Text = None,
    seller_id: Text = None,
    limit: Limit = 100,
) -> NoticesPublic:
    """Notices issued, newest first."""
    data = enforcement.list_notices(store, case_id=case_id, seller_id=seller_id, limit=limit)
    view = NoticesPublic(data=data, count=len(data))
    if not data:
        return view
    return shown(view, actor, store, "notices.read", [n.notice_id for n in data])


@router.post(
    "/cases/{case_id}/recovery-orders",
    response_model=RecoveryOrderPublic,
    status_code=201,
    responses={**WRITE_ERRORS, 200: {"model": RecoveryOrderPublic, "description": "Replayed"}},
)
def create_recovery_order(
    case_id: ObjectId,
    body: RecoveryOrderIn,
    response: Response,
    actor: InvestigatorDep,
    store: StoreDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> RecoveryOrderPublic:
    """Record a confirmed off-platform sale: the commission due at the configured rate.
    The same ``Idempotency-Key`` (even from requests at the same moment) returns the order it
    made (200); sent with another case or sale it is 422, naming the key."""
    order, created = recovery.create(
        store,
        case_id,
        amount=body.amount,
        currency=body.currency,
        note=body.note,
        rate=settings.commission_rate,
        actor=actor,
        buyer_id=body.buyer_id,
        sale_date=body.sale_date,
        idempotency_key=idempotency_key,
    )
    if not created:
        response.status_code = 200
    return order


@router.get("/recovery-orders", response_model=RecoveryOrdersPublic, responses=READ_ERRORS)
def list_recovery_orders(
    actor: ViewerDep,
    store: StoreDep,
    case_id: Text = None,
    seller_id: Text = None,
    status: RecoveryStatus | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> RecoveryOrdersPublic:
    """Recovery orders, newest first (notes masked for viewers)."""
    data, count = recovery.list_orders(
        store, case_id=case_id, seller_id=seller_id, status=status, limit=limit, offset=offset
    )
    view = RecoveryOrdersPublic(data=data, count=count)
    if not data:
        return view
    return shown(view, actor, store, "recovery_orders.read", [r.recovery_order_id for r in data])


@router.get(
    "/recovery-orders/{recovery_order_id}",
    response_model=RecoveryOrderPublic,
    responses=READ_ERRORS,
)
def get_recovery_order(
    recovery_order_id: ObjectId, actor: ViewerDep, store: StoreDep
) -> RecoveryOrderPublic:
    view = recovery.get(store, recovery_order_id)
    return shown(view, actor, store, "recovery_order.read", [recovery_order_id])


@router.patch(
    "/recovery-orders/{recovery_order_id}",
    response_model=RecoveryOrderPublic,
    responses=WRITE_ERRORS,
)
def set_recovery_status(
    recovery_order_id: ObjectId, body: RecoveryStatusIn, actor: InvestigatorDep, store: StoreDep
) -> RecoveryOrderPublic:
    """Move the order along: open -> invoiced -> paid, or waived / disputed (409 otherwise)."""
    return recovery.set_status(store, recovery_order_id, body.status, body.note, actor)
