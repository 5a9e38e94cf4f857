"""The wire client's header parser gives what ``http.client.parse_headers`` (the email package) gives:
the same names, values and order for plain blocks, and the email parser's own answer for anything else."""

from __future__ import annotations

import http.client
import io

from hypothesis import given
from hypothesis import strategies as st

from anytoken._wire_sync import _Headers, _parse_headers


def both(block: bytes) -> tuple[object, http.client.HTTPMessage]:
    return _parse_headers(io.BytesIO(block)), http.client.parse_headers(io.BytesIO(block))


def same(block: bytes) -> None:
    mine, ref = both(block)
    assert list(mine.items()) == list(ref.items()), block  # type: ignore[attr-defined]
    for name in {n.lower() for n, _ in ref.items()} | {"content-length", "transfer-encoding", "connection", "x-absent"}:
        assert mine.get(name) == ref.get(name), (block, name)  # type: ignore[attr-defined]
        assert mine.get_all(name) == ref.get_all(name), (block, name)  # type: ignore[attr-defined]


PLAIN = [
    b"Content-Type: application/json\r\nContent-Length: 12\r\n\r\nbody",
    b"content-length:12\r\nX-Dup: a\r\nx-dup: b\r\n\r\n",
    b"X-Spaces:   \t padded value  \r\nX-Empty:\r\n\r\n",
    b"X-Latin: caf\xe9\r\nX-Colon: a:b:c\r\n\n",
    b"Server: s\nConnection: close\n\n",
]
ODD = [
    b"X-Folded: one\r\n two\r\n\r\n",  # obs-fold
    b"X-Cr: a\rb\r\n\r\n",  # a bare CR
    b"Bad Name: v\r\nX-After: 1\r\n\r\n",  # not a header name: the email parser's answer, whatever it is
    b"no colon here\r\nX-A: 1\r\n\r\n",
    b"X-Cut: 1\r\nX-Half",  # cut short
    b": empty name\r\n\r\n",
    b"From nobody\r\nX-A: 1\r\n\r\n",
]


def test_plain_blocks_are_read_without_the_email_package_and_read_the_same() -> None:
    for block in PLAIN:
        mine, _ = both(block)
        assert isinstance(mine, _Headers), block
        same(block)


def test_other_blocks_get_the_email_parsers_answer() -> None:
    for block in ODD:
        mine, _ = both(block)
        assert isinstance(mine, http.client.HTTPMessage), block
        same(block)


line = st.tuples(
    st.text(alphabet="AZaz09-_:!~ \t\x7f", min_size=0, max_size=8),
    st.sampled_from([": ", ":", ":\t ", " : ", ""]),
    st.binary(max_size=12).filter(lambda b: b"\n" not in b),
    st.sampled_from([b"\r\n", b"\n", b"\r\n"]),
)


@given(st.lists(line, max_size=6), st.sampled_from([b"\r\n", b"\n", b""]))
def test_any_block_reads_as_the_standard_librarys(lines: list[tuple[str, str, bytes, bytes]], end: bytes) -> None:
    block = b"".join(n.encode("latin-1") + s.encode() + v + e for n, s, v, e in lines) + end
    same(block)


@given(st.lists(st.tuples(st.sampled_from([b"X-A", b"x-a", b"Content-Type", b"caf\xe9"]), st.binary(max_size=8)), max_size=6))
def test_raw_header_pairs_read_as_their_latin1_text(pairs: list[tuple[bytes, bytes]]) -> None:
    from anytoken._wire import WireHeaders

    text = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in pairs]
    assert WireHeaders.of_raw(pairs) == WireHeaders.of(text)
    assert list(WireHeaders.of_raw(pairs).items()) == list(WireHeaders.of(text).items())
