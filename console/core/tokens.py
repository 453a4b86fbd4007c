"""Signed, expiring, scoped tokens for the signalling server (HMAC-SHA256, stdlib only)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Kind = Literal["staff", "ticket", "invite"]
KINDS: frozenset[str] = frozenset({"staff", "ticket", "invite"})

STAFF_TTL_S = 12 * 3600.0
TICKET_TTL_S = 2 * 3600.0
CITIZEN_ROLE = "citizen"
MAX_TOKEN_CHARS = 2048


class TokenError(Exception):
    """A refused token; `code` is one of forged / expired / malformed."""

    def __init__(self, code: Literal["forged", "expired", "malformed"], message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Claims:
    kind: Kind
    subject: str
    role: str
    iat: float
    exp: float
    jti: str
    ticket: str | None = None
    room: str | None = None
    name: str = ""
    """Display name (staff), shown to the citizen as the answering officer."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())


def issue(
    secret: bytes,
    *,
    kind: Kind,
    subject: str,
    role: str,
    ttl_s: float,
    ticket: str | None = None,
    room: str | None = None,
    name: str = "",
    now: float | None = None,
) -> str:
    """A token for `subject` valid for `ttl_s` seconds from `now`."""
    if kind not in KINDS:
        raise ValueError(f"unknown token kind {kind!r}")
    if ttl_s <= 0:
        raise ValueError("ttl_s must be positive")
    iat = time.time() if now is None else now
    body = {
        "k": kind,
        "sub": subject,
        "role": role,
        "iat": iat,
        "exp": iat + ttl_s,
        "jti": secrets.token_urlsafe(12),
        "t": ticket,
        "r": room,
        "n": name,
    }
    payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    return f"{payload}.{_sign(secret, payload)}"


def verify(secret: bytes, token: str, *, now: float | None = None) -> Claims:
    """The claims of a genuine, unexpired token; otherwise `TokenError`."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        raise TokenError("malformed", "token is not of the form payload.signature")
    payload, signature = token.split(".")
    try:
        payload.encode("ascii")
        signature.encode("ascii")
    except UnicodeEncodeError:
        raise TokenError("malformed", "token is not base64url") from None
    # Signature first, in constant time: nothing in an unsigned payload is trusted or parsed.
    if not hmac.compare_digest(_sign(secret, payload), signature):
        raise TokenError("forged", "token signature does not match")
    try:
        body = json.loads(_unb64(payload))
        claims = Claims(
            kind=body["k"],
            subject=str(body["sub"]),
            role=str(body["role"]),
            iat=float(body["iat"]),
            exp=float(body["exp"]),
            jti=str(body["jti"]),
            ticket=body.get("t"),
            room=body.get("r"),
            name=str(body.get("n") or ""),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise TokenError("malformed", "token payload is unreadable") from exc
    if claims.kind not in KINDS:
        raise TokenError("malformed", "unknown token kind")
    if (time.time() if now is None else now) >= claims.exp:
        raise TokenError("expired", "token has expired")
    return claims


def load_or_create_secret(path: Path) -> bytes:
    """The server's signing key: 32 random bytes kept in a file only its owner can read."""
    path = Path(path)
    if path.exists():
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    path.parent.mkdir(parents=True, exist_ok=True)
    data = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.chmod(path, 0o600)
    return data
