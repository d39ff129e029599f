"""The claimant's question in a pending reply, encrypted at rest (AES-256-GCM).

A pending reply (api/channels/pending.py) keeps the question until its answer replaces it, so
that another process can answer it after a crash. The question may hold an ID number, a mobile
or a one-time code, and the answerer needs it exactly as typed: the gateway turns ID numbers and
codes into handles only when it asks the dialogue engine (whether a 6-digit run is a code depends
on the challenge pending at that moment, and handles expire), so the row cannot simply keep the
handled text. It keeps the question sealed instead, and the answerer opens it.

The key is derived from SECRET_KEY (HKDF-SHA256 with this purpose's label), which production
already refuses in its development value or shorter than 32 characters: no second secret to
distribute, and the derived key serves nothing else. The associated data binds a sealed question
to its row's sender and dedup key, so a sealed text copied into another row does not open.
"""

from __future__ import annotations

import base64
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "sealed:v1:"
_INFO = b"unemployment-assistant pending question v1"
_NONCE_BYTES = 12


class Unreadable(ValueError):
    """A sealed question that does not open: sealed under another SECRET_KEY, or altered."""


class QuestionSeal:
    def __init__(self, secret_key: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode())
        self._aead = AESGCM(key)

    def seal(self, text: str, *, sender: str, dedup_key: str) -> str:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode(), _bound(sender, dedup_key))
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, stored: str, *, sender: str, dedup_key: str) -> str:
        """The question; a row written before questions were sealed is returned as it is."""
        if not stored.startswith(PREFIX):
            return stored
        try:
            raw = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode("ascii"))
            text = self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _bound(sender, dedup_key))
        except (InvalidTag, ValueError) as exc:
            raise Unreadable("pending question does not open") from exc
        return text.decode()


def _bound(sender: str, dedup_key: str) -> bytes:
    return f"{sender}\x00{dedup_key}".encode()
