"""Identifier kinds: how a contact value (a phone, an email, an IBAN...) is normalised, masked,
weighed and searched, declared once in :mod:`sidedeal.identifiers.registry` for every module that
handles one. The names below are the ones the rest of sidedeal uses."""

from sidedeal.identifiers.normalisers import Identifier
from sidedeal.identifiers.registry import (
    BY_NAME,
    KINDS,
    Kind,
    identifier_of_finding,
    kind,
    known_values,
    mask_finding,
    mask_key,
    mask_value,
    names,
    normalise,
)

__all__ = [
    "BY_NAME",
    "KINDS",
    "Identifier",
    "Kind",
    "identifier_of_finding",
    "kind",
    "known_values",
    "mask_finding",
    "mask_key",
    "mask_value",
    "names",
    "normalise",
]
