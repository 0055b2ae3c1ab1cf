"""List envelopes: ``{data, count}``, where ``count`` is the number of matches before paging."""

from __future__ import annotations

from pydantic import BaseModel

from sidedeal.casework.allowlist import AllowListEntry
from sidedeal.casework.audit import AuditEventPublic
from sidedeal.casework.cases import CasePublic, CaseSummary
from sidedeal.casework.comments import CommentPublic
from sidedeal.casework.enforcement import NoticePublic
from sidedeal.casework.flags import FlagSummary
from sidedeal.casework.keys import ApiKeyPublic
from sidedeal.casework.recovery import RecoveryOrderPublic
from sidedeal.casework.runs import RunPublic
from sidedeal.casework.webhooks import DeliveryPublic, WebhookPublic


class FlagsPublic(BaseModel):
    data: list[FlagSummary]
    count: int

    def masked(self) -> FlagsPublic:
        return self.model_copy(update={"data": [f.masked() for f in self.data]})


class CasesPublic(BaseModel):
    data: list[CaseSummary]
    count: int

    def masked(self) -> CasesPublic:
        return self.model_copy(update={"data": [c.masked() for c in self.data]})


class CaseDetail(BaseModel):
    """A case with what followed from it."""

    case: CasePublic
    notices: list[NoticePublic]
    recovery_orders: list[RecoveryOrderPublic]

    def masked(self) -> CaseDetail:
        return self.model_copy(
            update={
                "case": self.case.masked(),
                "notices": [n.masked() for n in self.notices],
                "recovery_orders": [r.masked() for r in self.recovery_orders],
            }
        )


class CommentsPublic(BaseModel):
    data: list[CommentPublic]
    count: int

    def masked(self) -> CommentsPublic:
        return self.model_copy(update={"data": [c.masked() for c in self.data]})


class NoticesPublic(BaseModel):
    data: list[NoticePublic]
    count: int

    def masked(self) -> NoticesPublic:
        return self.model_copy(update={"data": [n.masked() for n in self.data]})


class RecoveryOrdersPublic(BaseModel):
    data: list[RecoveryOrderPublic]
    count: int

    def masked(self) -> RecoveryOrdersPublic:
        return self.model_copy(update={"data": [r.masked() for r in self.data]})


class AllowListPublic(BaseModel):
    data: list[AllowListEntry]
    count: int

    def masked(self) -> AllowListPublic:
        return self.model_copy(update={"data": [e.masked() for e in self.data]})


class RunsPublic(BaseModel):
    data: list[RunPublic]
    count: int


class AuditEventsPublic(BaseModel):
    data: list[AuditEventPublic]
    count: int


class ApiKeysPublic(BaseModel):
    data: list[ApiKeyPublic]
    count: int


class WebhooksPublic(BaseModel):
    data: list[WebhookPublic]
    count: int


class DeliveriesPublic(BaseModel):
    data: list[DeliveryPublic]
    count: int


class FindingSourceOut(BaseModel):
    """Scanner findings of ``kind`` whose value starts with ``value_prefix`` stand for the kind."""

    kind: str
    value_prefix: str


class IdentifierKind(BaseModel):
    name: str
    label: str
    contact: bool
    payout: bool
    masked: bool
    contract: list[str]
    findings: list[FindingSourceOut]


class IdentifierKinds(BaseModel):
    data: list[IdentifierKind]
    count: int
