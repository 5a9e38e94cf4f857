"""Hook dispatch for one provider (``Registry.callers``): the direct call when pluggy would only add work,
pluggy's own semantics (firstresult, LIFO order, wrappers, tracing) whenever there is more than one plain
implementation to run, and a plan that follows plugins registered or unregistered at any time."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

import anytoken
from anytoken import CredentialField, ProviderInfo, Token, TokenKind
from anytoken._dispatch import FirstResult
from anytoken.plugins import Registry


class Provider:
    """A provider plugin registered in code; its ``create_token`` answers or raises what it is told to."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.calls = 0
        self.fail: Exception | None = None

    @anytoken.hookimpl
    def anytoken_providers(self) -> list[ProviderInfo]:
        kind = TokenKind("api", help="h", credentials=("key",))
        return [
            ProviderInfo(
                name=self.name,
                kinds=(kind,),
                credentials=(CredentialField("key", env=("K",)),),
                base_urls=(("default", "https://x.example"),),
            )
        ]

    @anytoken.hookimpl
    def create_token(self, request: Any) -> Token | None:
        if request.provider != self.name:
            return None
        self.calls += 1
        if self.fail is not None:
            raise self.fail
        return Token.from_value(self.name, "api", f"tok-{self.name}")


class Request:
    def __init__(self, provider: str) -> None:
        self.provider = provider


def _registry(*names: str) -> tuple[Registry, dict[str, Provider]]:
    registry = Registry(environ={"ANYTOKEN_DISABLE_PLUGINS": "1"})
    plugins = {n: Provider(n) for n in names}
    for n, plugin in plugins.items():
        registry.register(plugin, name=f"p-{n}", distribution=f"anytoken-{n}")
    return registry, plugins


def _no_pluggy(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("pluggy's subset caller was used")


def test_one_plain_implementation_is_called_directly() -> None:
    registry, plugins = _registry("alpha", "beta")  # beta's impl is another provider's: excluded, as before
    create, _ = registry.callers("alpha")
    assert isinstance(create, FirstResult)
    create(request=Request("alpha"))  # plans
    create._subset = _no_pluggy  # type: ignore[assignment]
    token = create(request=Request("alpha"))
    assert token.value == "tok-alpha" and plugins["alpha"].calls == 2 and plugins["beta"].calls == 0


def test_the_direct_call_raises_the_implementations_exception_and_returns_its_none() -> None:
    registry, plugins = _registry("alpha")
    create, _ = registry.callers("alpha")
    boom = RuntimeError("upstream down")
    plugins["alpha"].fail = boom
    with pytest.raises(RuntimeError) as info:
        create(request=Request("alpha"))
    assert info.value is boom
    plugins["alpha"].fail = None
    assert create(request=Request("other")) is None  # firstresult with no answer: None, as pluggy gives


def test_a_wrapper_registered_after_the_callers_were_built_sees_every_call_and_can_change_the_result() -> None:
    registry, plugins = _registry("alpha")
    create, _ = registry.callers("alpha")
    assert create(request=Request("alpha")).value == "tok-alpha"  # the direct path is planned now
    seen: list[str] = []

    class Rename:
        @anytoken.hookimpl(wrapper=True)
        def create_token(self, request: Any) -> Generator[None, Token, Token]:
            seen.append(request.provider)
            token = yield
            return Token.from_value(token.provider, token.kind, token.value + "-wrapped")

    wrapper = Rename()
    registry.pm.register(wrapper)
    assert create(request=Request("alpha")).value == "tok-alpha-wrapped"
    assert seen == ["alpha"]
    registry.pm.unregister(wrapper)
    create(request=Request("alpha"))  # back to the direct call
    create._subset = _no_pluggy
    assert create(request=Request("alpha")).value == "tok-alpha" and seen == ["alpha"]
    assert plugins["alpha"].calls == 4


def test_another_plain_implementation_keeps_pluggys_order_and_first_result() -> None:
    registry, plugins = _registry("alpha")
    create, _ = registry.callers("alpha")
    create(request=Request("alpha"))

    class Override:  # not a provider plugin: it reaches every provider, and runs first (registered last)
        @anytoken.hookimpl
        def create_token(self, request: Any) -> Token:
            return Token.from_value(request.provider, "api", "override")

    registry.pm.register(Override())
    assert create(request=Request("alpha")).value == "override"
    assert plugins["alpha"].calls == 1  # firstresult: the provider's own impl was not reached


def test_tracing_installed_on_the_plugin_manager_sees_the_calls() -> None:
    registry, _ = _registry("alpha")
    create, _ = registry.callers("alpha")
    create(request=Request("alpha"))
    traced: list[str] = []
    undo = registry.pm.add_hookcall_monitoring(lambda name, impls, kwargs: traced.append(name), lambda *a: None)
    try:
        assert create(request=Request("alpha")).value == "tok-alpha"
    finally:
        undo()
    assert traced == ["create_token"]


def test_the_async_caller_and_the_revoke_caller_are_first_result_callers_too() -> None:
    registry, _ = _registry("alpha")
    _, acreate = registry.callers("alpha")
    assert isinstance(acreate, FirstResult) and isinstance(registry.hook_caller("alpha", "revoke_token"), FirstResult)
    assert acreate(request=Request("alpha")) is None  # Provider has no acreate_token: nothing answers
