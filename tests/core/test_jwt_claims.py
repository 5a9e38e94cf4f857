"""``_jwt.claims`` (the fast path Token.from_value reads exp/iat/jti with) gives exactly what the plain
``json.loads(base64.urlsafe_b64decode(...))`` reading gives, for well-formed and malformed values alike."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from anytoken import _jwt


def reference(value: str) -> dict[str, Any] | None:
    if not _jwt.looks_like_jwt(value):
        return None
    payload = value.split(".")[1]
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError):
        return None
    return data if isinstance(data, dict) else None


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def jwt(payload: bytes, header: bytes = b'{"alg":"none"}') -> str:
    return f"{b64(header)}.{b64(payload)}.sig"


CASES = [
    jwt(b'{"exp": 1700000000, "iat": 1690000000, "jti": "a-b"}'),
    jwt('{"sub": "ünïcødé", "exp": 1.5}'.encode()),
    jwt(b'\xef\xbb\xbf{"exp": 1}'),  # a UTF-8 BOM: json.loads(bytes) accepts it, json.loads(str) would not
    jwt('{"exp": 2}'.encode("utf-16-le")),  # json's encoding detection
    jwt('{"exp": 3}'.encode("utf-16")),
    jwt(b"[1, 2]"),  # not an object
    jwt(b"{not json"),
    jwt(b'{"exp": 1} trailing'),
    jwt(b"\xff\xfe\xfa"),
    "eyJ.e30.x",  # "{}" after an unpadded header
    "eyJhbGciOiJub25lIn0.e30",  # two parts
    "ey.a.b.c",
    "eyJhbGciOiJub25lIn0.ä.sig",  # non-ASCII payload
    "eyJhbGciOiJub25lIn0.e$3*0.sig",  # characters base64 discards
    "eyJhbGciOiJub25lIn0.e.sig",  # one character: impossible padding
    "eyJhbGciOiJub25lIn0..sig",
    "xx.e30.sig",
    "",
    "ey",
]


def test_known_values_match_the_reference() -> None:
    for value in CASES:
        assert _jwt.claims(value) == reference(value), value


@given(st.binary(max_size=80))
def test_any_payload_bytes_match_the_reference(raw: bytes) -> None:
    value = jwt(raw)
    assert _jwt.claims(value) == reference(value)


@given(st.text(alphabet="eyJ.-_=+/abcAZ09{}ä \x00", max_size=40))
def test_any_text_matches_the_reference(value: str) -> None:
    assert _jwt.claims("ey" + value) == reference("ey" + value)
