"""The analysis weights, read from ``weights.toml`` (beside this module, or a file named by
``SIDEDEAL_WEIGHTS_FILE``). The TOML's comments explain every weight; this module only types them so a
typo or an out-of-range value stops the run with the key named."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sidedeal.identifiers import names

DEFAULT_FILE = Path(__file__).with_name("weights.toml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CueDefault(_Strict):
    weight: float = Field(ge=0, le=1)


class Timeline(_Strict):
    quiet_after_contact: float = Field(ge=0, le=1)
    repeat_business_stopped: float = Field(ge=0, le=1)
    quiet_days: int = Field(ge=0)
    repeat_min_orders: int = Field(ge=1)


class Shared(_Strict):
    identifier: float = Field(ge=0, le=1)


class PairWeights(_Strict):
    contact_by_seller: float = Field(ge=0, le=1)
    contact_by_buyer: float = Field(ge=0, le=1)
    # Kinds scale the contact weight (a multiplier, so above 1 is allowed); cues are weights of
    # their own, 0..1 like every factor (above 1, the noisy-OR would silently cap them).
    contact_kind: dict[str, Annotated[float, Field(ge=0, le=2)]]
    cue: dict[str, Annotated[float, Field(ge=0, le=1)]]
    cue_default: CueDefault
    timeline: Timeline
    shared: Shared


class Invalid(_Strict):
    factor: float = Field(ge=0, le=1)


class LinkWeights(_Strict):
    soft_cap: int = Field(ge=2)
    max_holders: int = Field(ge=2)
    kind: dict[str, float]
    invalid: Invalid


class ClusterParams(_Strict):
    min_link: float = Field(ge=0, le=1)
    max_component: int = Field(ge=2)
    louvain_resolution: float = Field(gt=0)
    identity_overlap: float = Field(ge=0, le=1)
    min_size: int = Field(ge=2)


class SellerWeights(_Strict):
    pair_share: float = Field(ge=0, le=1)
    other_seller_account: float = Field(ge=0, le=1)
    shared_payout: float = Field(ge=0, le=1)
    buyer_holds_identifier: float = Field(ge=0, le=1)


class ClusterWeights(_Strict):
    member_share: float = Field(ge=0, le=1)
    several_sellers: float = Field(ge=0, le=1)
    large_size: int = Field(ge=2)
    large: float = Field(ge=0, le=1)


class FlagParams(_Strict):
    threshold: float = Field(ge=0, le=1)
    realert_margin: float = Field(ge=0, le=1)


class Weights(_Strict):
    pair: PairWeights
    links: LinkWeights
    clusters: ClusterParams
    seller: SellerWeights
    cluster: ClusterWeights
    flags: FlagParams

    @model_validator(mode="after")
    def _every_identifier_kind_weighed(self) -> Weights:
        # A kind left out would silently weigh nothing; a misspelt one would never be used.
        problems = _kind_problems("links.kind", set(self.links.kind), set(names()))
        problems += _kind_problems(
            "pair.contact_kind", set(self.pair.contact_kind), set(names(contact=True))
        )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def cue_weight(self, category: str) -> float:
        return self.pair.cue.get(category, self.pair.cue_default.weight)


def _kind_problems(table: str, found: set[str], expected: set[str]) -> list[str]:
    missing, unknown = sorted(expected - found), sorted(found - expected)
    if not missing and not unknown:
        return []
    parts = [f"missing {', '.join(missing)}"] if missing else []
    parts += [f"unknown {', '.join(unknown)}"] if unknown else []
    return [
        f"[{table}] must weigh exactly the identifier kinds {', '.join(sorted(expected))} "
        f"({', '.join(parts)})"
    ]


def load_weights(path: Path | None = None) -> Weights:
    """Read and check the weights; raises ValueError naming the file and the bad key."""
    source = path or DEFAULT_FILE
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"analysis weights {source}: {error}") from error
    return parse_weights(text, str(source))


def parse_weights(text: str, source: str = "weights") -> Weights:
    """Check weights given as TOML text (a stored version, a proposal sent to the API); raises
    ValueError naming ``source`` and the bad key."""
    try:
        return Weights.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValueError) as error:
        raise ValueError(f"analysis weights {source}: {error}") from error
