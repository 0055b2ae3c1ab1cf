"""Request bodies. Strings are trimmed and bounded so a note or a reason is never empty and never
a megabyte; the validation error names the field."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from sidedeal.casework.allowlist import Mode
from sidedeal.casework.common import Role
from sidedeal.casework.decisions import Decision
from sidedeal.casework.recovery import RecoveryStatus

Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=4000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DecisionIn(_Body):
    decision: Decision
    note: Note = Field(description="Why: required, at least 3 characters; kept with the flag.")


class ReopenIn(_Body):
    note: Note = Field(description="Why the decision is looked at again: required.")


class AssignIn(_Body):
    assignee: Name | None = Field(description="Who works the flag; null unassigns it.")


class BulkAssignIn(AssignIn):
    flag_ids: list[Id] = Field(min_length=1, max_length=500)


class CloseCaseIn(_Body):
    note: Note


class CommentIn(_Body):
    body: Note


class RecoveryOrderIn(_Body):
    amount: float = Field(gt=0, le=1e9, description="The off-platform sale's amount.")
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")]
    buyer_id: Id | None = None
    sale_date: date | None = None
    note: Note


class RecoveryStatusIn(_Body):
    status: RecoveryStatus
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)] | None = None


class AllowListIn(_Body):
    mode: Mode = Field(description="allow: known legitimate; snooze: look again later.")
    reason: Note
    expires_at: AwareDatetime = Field(description="When the pair shows in the queue again.")


class KeyIn(_Body):
    role: Role
    name: Name


ExportFormat = Literal["json", "csv"]


class WebhookIn(_Body):
    url: Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=2000)] = (
        Field(
            description="Where to POST events; its host must be in SIDEDEAL_WEBHOOK_ALLOWED_HOSTS."
        )
    )
    events: list[Annotated[str, StringConstraints(max_length=50)]] = Field(
        min_length=1,
        max_length=50,
        description="Event types (flag.raised, flag.updated, flag.decided, case.opened, "
        "case.step_changed, notice.issued, recovery_order.created, run.completed), or * for all.",
    )
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = (
        None
    )


class WeightsIn(_Body):
    content: Annotated[str, StringConstraints(min_length=10, max_length=200_000)] = Field(
        description="The weights as TOML, in the form of sidedeal/analysis/weights.toml."
    )
    note: Note | None = Field(default=None, description="What changes and why.")


class ActivateIn(_Body):
    note: Note = Field(description="Why these weights go live: required, kept in the audit.")
