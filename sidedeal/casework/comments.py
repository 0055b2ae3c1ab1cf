"""Comments on a case: what investigators tell each other while working it (who was called, what
the seller answered, what to check next). Written by investigators and admins, read by anyone with
a key; viewers read them with contact values masked, as any free text people type.

A comment is only ever added, never edited: the case's timeline keeps what was said when. The
write records its audit event in the same statement.
"""

from __future__ import annotations

from datetime import datetime
from typing import LiteralString, Self

from pydantic import BaseModel

from sidedeal.casework.audit import AUDIT_CALL, audit_params
from sidedeal.casework.common import Actor, natives, new_id
from sidedeal.casework.masking import mask_free_text
from sidedeal.errors import NotFound
from sidedeal.graph.store import Store

ADD: LiteralString = (
    """
MATCH (c:Case {case_id: $case_id})
CREATE (c)-[:HAS_COMMENT]->(cm:Comment {comment_id: $comment_id, case_id: $case_id,
                                       body: $body, author: $author, author_key: $author_key,
                                       created_at: datetime()})
WITH c, cm
"""
    + AUDIT_CALL
    + "RETURN cm {.*, created_at: toString(cm.created_at)} AS comment"
)

LIST: LiteralString = """
MATCH (c:Case {case_id: $case_id})
RETURN [(c)-[:HAS_COMMENT]->(cm:Comment) | cm {.*, created_at: toString(cm.created_at)}]
       AS comments
"""


class CommentPublic(BaseModel):
    comment_id: str
    case_id: str
    body: str
    author: str
    created_at: datetime

    def masked(self) -> Self:
        """People's free text with its contact values masked."""
        return self.model_copy(update={"body": mask_free_text(self.body)})


def add(store: Store, case_id: str, body: str, actor: Actor) -> CommentPublic:
    """Add a comment to the case (404 when there is no such case)."""
    comment_id = new_id("cmt")
    rows = store.write(
        ADD,
        {
            "case_id": case_id,
            "comment_id": comment_id,
            "body": body,
            "author": actor.name,
            "author_key": actor.key_id,
            "audit": audit_params(actor, "case.comment", [case_id, comment_id]),
        },
    )
    if not rows:
        raise NotFound(f"no case {case_id!r}; list the cases with GET /cases")
    return CommentPublic(**natives(rows[0]["comment"]))


def list_comments(store: Store, case_id: str) -> list[CommentPublic]:
    """The case's comments, oldest first (a conversation reads top down)."""
    rows = store.read(LIST, {"case_id": case_id})
    if not rows:
        raise NotFound(f"no case {case_id!r}; list the cases with GET /cases")
    found = [CommentPublic(**natives(dict(c))) for c in rows[0]["comments"]]
    return sorted(found, key=lambda c: (c.created_at, c.comment_id))
