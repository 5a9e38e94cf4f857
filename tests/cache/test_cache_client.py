"""get_token / aget_token / invalidate on a real Client with a provider registered in code; cache keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from cache_helpers import CachyPlugin, make_client

from anytoken.cache import cache_key
from anytoken.errors import InvalidParameterError, UsageError


def test_get_token_caches_per_parameters(cachy: CachyPlugin) -> None:
    with make_client(cachy) as client:
        a = client.get_token("cachy", user="ann")
        assert client.get_token("cachy", user="ann") is a
        assert client.get_token("cachy", kind="session", user="ann", ttl=60) is a  # defaults are part of the key
        b = client.get_token("cachy", user="bob")
        assert b is not a
        assert client.get_token("cachy", user="ann", ttl="60") is a  # validated params: "60" -> 60
        assert cachy.calls == 2
        assert client.create_token("cachy", user="ann") is not a  # create_token always mints
        assert cachy.calls == 3


def test_credentials_and_base_url_are_part_of_the_key(cachy: CachyPlugin) -> None:
    with make_client(cachy) as client:
        a = client.get_token("cachy", user="ann")
        b = client.get_token("cachy", user="ann", credentials="key-two-654321")
        c = client.get_token("cachy", user="ann", base_url="https://eu.cachy.example.com")
        assert len({a.value, b.value, c.value}) == 3
        assert cachy.calls == 3


def test_a_changed_environment_variable_is_never_served_a_stale_key(cachy: CachyPlugin) -> None:
    env = {"CACHY_API_KEY": "key-one-123456"}
    with make_client(cachy, env=env) as client:
        a = client.get_token("cachy", user="ann")
        assert client.get_token("cachy", user="ann") is a  # memoised key
        env["CACHY_API_KEY"] = "key-two-654321"  # rotated credential: a new key, a new token
        b = client.get_token("cachy", user="ann")
        assert b is not a and cachy.calls == 2
        env["CACHY_API_KEY"] = "key-one-123456"
        assert client.get_token("cachy", user="ann") is a


def test_rotation_in_the_real_process_environment_is_seen(cachy: CachyPlugin, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv("CACHY_API_KEY", "key-one-123456")
    with make_client(cachy, env=None) as client:
        assert client.env is os.environ
        a = client.get_token("cachy", user="ann")
        assert client.get_token("cachy", user="ann") is a
        monkeypatch.setenv("CACHY_API_KEY", "key-two-654321")
        assert client.get_token("cachy", user="ann") is not a


def test_call_arguments_freeze_for_the_key_memo() -> None:
    from anytoken._prepare import freeze as _freeze

    assert _freeze({"b": [1, {"c": 2}], "a": "x"}) == (("a", "x"), ("b", (1, frozenset({("c", 2)}))))
    assert _freeze({"a": 1, "b": "x"}) == _freeze({"b": "x", "a": 1})
    with pytest.raises(TypeError):
        _freeze({"a": {1, 2}})  # unfreezable: get_token falls back to the full path


async def test_aget_token_and_sync_share(cachy: CachyPlugin) -> None:
    with make_client(cachy) as client:
        a = await client.aget_token("cachy", user="ann")
        assert client.get_token("cachy", user="ann") is a
        assert await client.aget_token("cachy", user="ann") is a
        await client.ainvalidate("cachy", user="ann")
        assert (await client.aget_token("cachy", user="ann")) is not a
        await client.aclose()


def test_force_refresh_and_invalidate(cachy: CachyPlugin) -> None:
    with make_client(cachy) as client:
        a = client.get_token("cachy", user="ann")
        b = client.get_token("cachy", user="ann", force_refresh=True)
        assert b is not a and client.get_token("cachy", user="ann") is b
        client.invalidate("cachy", user="ann", rejected=a)  # stale rejection: b stays
        assert client.get_token("cachy", user="ann") is b
        client.invalidate("cachy", user="ann")
        assert client.get_token("cachy", user="ann") is not b
        assert cachy.calls == 3


def test_persistent_kind_needs_opt_in(cachy: CachyPlugin) -> None:
    with make_client(cachy) as client:
        with pytest.raises(UsageError, match="allow_persistent=True") as info:
            client.get_token("cachy", kind="m2m")
        assert "create_token" in str(info.value) and info.value.provider == "cachy" and info.value.kind == "m2m"
        assert cachy.calls == 0
        t = client.get_token("cachy", kind="m2m", allow_persistent=True)
        assert client.get_token("cachy", kind="m2m", allow_persistent=True) is t
        assert cachy.calls == 1


def test_single_use_kind_is_never_cached(cachy: CachyPlugin) -> None:
    with make_client(cachy) as client:
        for allow in (False, True):
            with pytest.raises(UsageError, match="use create_token"):
                client.get_token("cachy", kind="otp", allow_persistent=allow)
        assert cachy.calls == 0


def test_validation_errors_come_first(cachy: CachyPlugin) -> None:
    with make_client(cachy) as client, pytest.raises(InvalidParameterError, match="user"):
        client.get_token("cachy")


def test_cache_key_is_stable_and_reveals_no_secret(cachy: CachyPlugin) -> None:
    with make_client(cachy) as client:
        r1 = client.prepare("cachy", params={"user": "ann", "ttl": 60})
        r2 = client.prepare("cachy", params={"ttl": 60, "user": "ann"})
        assert r1.idempotency_key != r2.idempotency_key
        assert cache_key(r1) == cache_key(r2)
        assert len(cache_key(r1)) == 64 and int(cache_key(r1), 16) >= 0
        other = client.prepare("cachy", params={"user": "ann"}, credentials="key-two-654321")
        assert cache_key(other) != cache_key(r1)
        assert "key-one" not in cache_key(r1)


def test_cache_key_canonical_datetimes() -> None:
    from anytoken.cache._key import canonical

    utc = datetime(2026, 1, 1, 12, tzinfo=UTC)
    plus_two = utc.astimezone(timezone(timedelta(hours=2)))
    assert canonical({"at": utc, "b": [1, 2]}) == canonical({"b": [1, 2], "at": plus_two})
    assert canonical({"at": utc}) == '{"at":"2026-01-01T12:00:00+00:00"}'
