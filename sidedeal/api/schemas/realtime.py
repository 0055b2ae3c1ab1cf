"""Bodies of the machine clients' endpoints: the pre-send check and streamed events."""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from sidedeal.casework.presend import SenderRole, Verdict

Country = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=200)]
# Marketplace messages are short; a limit keeps one request from holding a worker for long.
MAX_TEXT = 20_000


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MessageIn(_Body):
    text: str = Field(max_length=MAX_TEXT, description="The message as the sender wrote it.")
    country: Country | None = Field(
        default=None, description="The sender's country (ISO alpha-2): phones' default region."
    )
    sender_role: SenderRole | None = Field(
        default=None, description="buyer or seller; without it the strictest rule applies."
    )
    conversation_id: Ref | None = None
    id: Ref | None = Field(default=None, description="Your id for the message, echoed back.")


class ScanIn(_Body):
    """One message (``text``, ``country``, ...) or a batch (``messages``), not both."""

    text: str | None = Field(default=None, max_length=MAX_TEXT)
    country: Country | None = None
    sender_role: SenderRole | None = None
    conversation_id: Ref | None = None
    id: Ref | None = None
    messages: list[MessageIn] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_or_many(self) -> Self:
        if (self.text is None) == (self.messages is None):
            raise ValueError("send text (one message) or messages (a batch), not both")
        return self

    def batch(self) -> list[MessageIn]:
        if self.messages is not None:
            return self.messages
        assert self.text is not None
        return [
            MessageIn(
                text=self.text,
                country=self.country,
                sender_role=self.sender_role,
                conversation_id=self.conversation_id,
                id=self.id,
            )
        ]


class ScanResults(BaseModel):
    results: list[Verdict]


class EventsIn(_Body):
    """One event (``type``, ``data``) or a batch (``events``), not both."""

    type: str | None = Field(default=None, examples=["message"])
    data: dict[str, Any] | None = Field(
        default=None,
        examples=[
            {
                "message_id": "m1",
                "conversation_id": "c1",
                "sender": "seller",
                "sent_at": "2026-12-01T10:00:00Z",
                "body": "Is the strap original?",
            }
        ],
    )
    events: list[dict[str, Any]] | None = Field(
        default=None, min_length=1, description="A batch of {type, data} objects."
    )

    @model_validator(mode="after")
    def _one_or_many(self) -> Self:
        single = self.type is not None or self.data is not None
        if single == (self.events is not None):
            raise ValueError("send type and data (one event) or events (a batch), not both")
        return self

    def batch(self) -> list[dict[str, Any]]:
        if self.events is not None:
            return self.events
        return [{"type": self.type, "data": self.data}]
