"""One call surface: the keywords of every call are the fields of :class:`CallOptions`, the module-level
functions take their Client method's signature, and the cache and revocation are composed into the Client."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import anytoken
from anytoken import Client
from anytoken._call import CallOptions
from anytoken.errors import InvalidParameterError

MINT = ("kind", "credentials", "base_url", "timeout", "retry")
CACHED = (*MINT, "force_refresh", "allow_persistent")


def _keywords(function: Any) -> tuple[str, ...]:
    return tuple(p.name for p in inspect.signature(function).parameters.values() if p.kind is p.KEYWORD_ONLY)


@pytest.mark.parametrize(
    ("name", "expected"), [("create_token", MINT), ("acreate_token", MINT), ("get_token", CACHED), ("aget_token", CACHED)]
)
def test_the_client_methods_take_the_call_options_fields(name: str, expected: tuple[str, ...]) -> None:
    assert _keywords(getattr(Client, name)) == expected
    assert CallOptions._fields[: len(expected)] == expected  # the order the methods build CallOptions in


@pytest.mark.parametrize("name", ["create_token", "acreate_token", "get_token", "aget_token", "revoke_token", "arevoke_token"])
def test_the_module_functions_take_the_client_signature(name: str) -> None:
    method = inspect.signature(getattr(Client, name))
    function = inspect.signature(getattr(anytoken, name))
    assert list(function.parameters.values()) == list(method.parameters.values())[1:]
    assert function.return_annotation == method.return_annotation
    assert inspect.iscoroutinefunction(getattr(anytoken, name)) == name.startswith("a")


def test_the_module_functions_call_the_current_default_client(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[Any, ...]] = []

    class Recording(Client):
        def create_token(self, /, provider: str, **kwargs: Any) -> Any:
            seen.append((provider, kwargs))
            return "minted"

    client = Recording()
    anytoken.set_default_client(client)
    try:
        minted: Any = anytoken.create_token("p", kind="k", timeout=3, scope="s")
        assert minted == "minted"
    finally:
        anytoken.set_default_client(None)
        client.close()
    assert seen == [("p", {"kind": "k", "timeout": 3, "scope": "s"})]


def test_call_options_check_names_the_field() -> None:
    with pytest.raises(InvalidParameterError, match="timeout"):
        CallOptions(timeout=-1).check()
    with pytest.raises(InvalidParameterError, match="retry"):
        CallOptions(retry="three").check()  # type: ignore[arg-type]
    assert CallOptions(timeout=2).check().timeout == 2


def test_call_options_never_show_credentials() -> None:
    assert "sk_live_secret" not in repr(CallOptions(credentials="sk_live_secret"))
    assert repr(CallOptions(credentials={"api_key": "sk_live_secret"})) == "CallOptions(credentials=['api_key'])"


def test_a_bad_timeout_is_refused_before_the_cache_is_read() -> None:
    with Client() as client, pytest.raises(InvalidParameterError, match="timeout"):
        client.get_token("anything", timeout="soon")  # type: ignore[arg-type]


def test_cache_and_revocation_are_composed_not_mixed_in() -> None:
    assert Client.__mro__ == (Client, object)
    with Client() as client:
        assert type(client._front).__name__ == "CachedMinting" and client._front.cache is client.cache
        assert type(client._revoker).__name__ == "Revoker"


@pytest.mark.parametrize("flag", ["force_refresh", "allow_persistent"])
def test_the_flags_must_be_booleans(flag: str) -> None:
    bad: dict[str, Any] = {flag: "yes"}
    with pytest.raises(InvalidParameterError, match=flag):
        CallOptions(**bad).check()
    with Client() as client, pytest.raises(InvalidParameterError, match=flag):
        client.get_token("anything", **{**bad, flag: 1})


def test_a_dropped_client_is_freed_at_once_not_kept_by_its_collaborators() -> None:
    """The builder, minter, cache front and revoker reach the Client weakly: no reference cycle keeps it alive."""
    import gc
    import weakref

    enabled = gc.isenabled()
    gc.disable()
    try:
        client = Client(env={})
        assert client._front is not None  # build the cache front too
        ref = weakref.ref(client)
        del client
        assert ref() is None
    finally:
        if enabled:
            gc.enable()
