"""Parameter types the routers share: bounded paging and ids, so no request can ask for a
million rows or send a megabyte as a path segment."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Rows to skip.")]
SellerId = Annotated[str, Path(min_length=1, max_length=200, description="A seller_id.")]
BuyerId = Annotated[str, Path(min_length=1, max_length=200, description="A buyer_id.")]
ObjectId = Annotated[str, Path(min_length=1, max_length=300)]
