"""A small typed client of the sidedeal API, and the webhook signature scheme both sides share.

``ApiClient`` calls the API (the explorer uses it, and so can the marketplace's services);
``verify`` checks a webhook delivery's ``Sidedeal-Signature`` on the receiving side, ``sign`` is
what the dispatcher signs with.
"""

from sidedeal.client.api import JSON, ApiClient, ApiError, read_key
from sidedeal.client.signature import HEADER, SignatureError, sign, verify

__all__ = [
    "HEADER",
    "JSON",
    "ApiClient",
    "ApiError",
    "SignatureError",
    "read_key",
    "sign",
    "verify",
]
