"""Discovery, lazy loading, isolation and conflicts, with fake distributions put on sys.path.

A ``*.dist-info`` folder with an ``entry_points.txt`` is all importlib.metadata needs, so these run in-process
and fast; tests/plugins/ repeats the important ones with real pip installs in fresh virtual environments.
"""

from __future__ import annotations

import os
import sys
import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import anytoken
from anytoken import errors
from anytoken import plugins as plugins_module
from anytoken.audit import AuditEvent
from anytoken.devkit.sandbox import sandbox_providers
from anytoken.plugins import AnytokenPluginWarning, Registry, default_registry, registry_for

GOOD = """
import anytoken
from anytoken import CredentialField, ProviderInfo, Token, TokenKind

class Plugin:
    @anytoken.hookimpl
    def anytoken_providers(self):
        return [ProviderInfo(name="{name}", kinds=(TokenKind("api", help="h", credentials=("key",)),),
                             credentials=(CredentialField("key", env=("{env}",)),),
                             base_urls=(("default", "https://{name}.example.com"),))]

    @anytoken.hookimpl
    def create_token(self, request):
        if request.provider != "{name}":
            return None
        {body}

plugin = Plugin()
"""


def make_dist(root: Path, dist: str, module: str, code: str, entry_points: dict[str, str]) -> None:
    (root / f"{module}.py").write_text(textwrap.dedent(code))
    info = root / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    eps = "\n".join(f"{name} = {value}" for name, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[anytoken]\n{eps}\n")


def good(name: str, body: str = "return Token.from_value(request.provider, request.kind, 'tok-' + request.provider)") -> str:
    return GOOD.format(name=name, env=name.upper() + "_KEY", body=body)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    before = set(sys.modules)
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for mod in set(sys.modules) - before:
        if mod.startswith("fake_"):
            del sys.modules[mod]


def client_for(registry: Registry, *names: str) -> anytoken.Client:
    env = {n.upper() + "_KEY": "k-" + n for n in names}
    mock = httpx.MockTransport(lambda r: httpx.Response(500))
    return anytoken.Client(registry=registry, env=env, transport=mock)


def test_only_the_requested_plugin_is_imported(site: Path) -> None:
    make_dist(site, "fake-alpha", "fake_alpha", good("alpha"), {"alpha": "fake_alpha:plugin"})
    make_dist(site, "fake-beta", "fake_beta", "raise ImportError('beta is broken')\n", {"beta": "fake_beta:plugin"})
    registry = Registry(environ={})
    assert {"alpha", "beta"} <= set(registry.names())
    assert "fake_alpha" not in sys.modules  # reading entry points imports nothing
    token = client_for(registry, "alpha").create_token("alpha")
    assert token.value == "tok-alpha"
    assert "fake_beta" not in sys.modules


def test_broken_plugin_is_isolated_and_reported(site: Path) -> None:
    make_dist(site, "fake-alpha", "fake_alpha", good("alpha"), {"alpha": "fake_alpha:plugin"})
    make_dist(site, "fake-beta", "fake_beta", "raise ImportError('beta is broken')\n", {"beta": "fake_beta:plugin"})
    registry = Registry(environ={})
    with pytest.warns(AnytokenPluginWarning, match="beta"):
        records = registry.load_all()
    beta = next(r for r in records if r.provider == "beta")
    assert beta.status == "broken" and "beta is broken" in (beta.error or "") and beta.distribution == "fake-beta"
    assert client_for(registry, "alpha").create_token("alpha").value == "tok-alpha"
    with pytest.raises(errors.PluginError, match="fake-beta"):
        client_for(registry, "beta").create_token("beta")


def test_strict_mode_raises(site: Path) -> None:
    make_dist(site, "fake-beta", "fake_beta", "raise ImportError('beta is broken')\n", {"beta": "fake_beta:plugin"})
    with pytest.raises(errors.PluginError):
        Registry(environ={"ANYTOKEN_STRICT_PLUGINS": "1"}).load_all()


@pytest.mark.parametrize(
    ("code", "match"),
    [
        (good("delta").replace('name="delta"', 'name="Bad Name!"'), "malformed declaration"),
        (good("delta").replace("def anytoken_providers", "def anytoken_providerz"), "invalid hooks"),
        (good("delta").replace("return [ProviderInfo(", "return [dict(x=ProviderInfo("), "not ProviderInfo"),
        (good("delta").replace("return [ProviderInfo(", "raise RuntimeError('nope'); return [ProviderInfo("), "raised RuntimeError"),
    ],
)
def test_malformed_plugins_are_broken_not_fatal(site: Path, code: str, match: str) -> None:
    make_dist(site, "fake-delta", "fake_delta", code.replace("))]", ")))]") if "dict(x=" in code else code, {"delta": "fake_delta:plugin"})
    registry = Registry(environ={})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(errors.PluginError, match=match):
            client_for(registry, "delta").create_token("delta")


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("raise ValueError('bug')", "plugin raised ValueError"),
        ("return 42", "returned int, not a Token"),
        ("return Token.from_value('other', 'api', 'x')", "other/api token"),
    ],
)
def test_plugin_misbehaviour_is_a_plugin_error(site: Path, body: str, match: str) -> None:
    make_dist(site, "fake-eps", "fake_eps", good("eps", body), {"eps": "fake_eps:plugin"})
    with pytest.raises(errors.PluginError, match=match) as caught:
        client_for(Registry(environ={}), "eps").create_token("eps")
    assert "fake-eps" in str(caught.value)


def test_two_distributions_one_name_is_a_conflict(site: Path) -> None:
    make_dist(site, "fake-one", "fake_one", good("gamma", "return Token.from_value('gamma', 'api', 'one')"), {"gamma": "fake_one:plugin"})
    make_dist(site, "fake-two", "fake_two", good("gamma", "return Token.from_value('gamma', 'api', 'two')"), {"gamma": "fake_two:plugin"})
    with pytest.raises(errors.ProviderConflictError) as caught:
        client_for(Registry(environ={}), "gamma").create_token("gamma")
    assert "fake-one" in str(caught.value) and "fake-two" in str(caught.value) and "ANYTOKEN_PROVIDER_GAMMA" in str(caught.value)
    assert "fake_one" not in sys.modules and "fake_two" not in sys.modules  # neither ran
    chosen = Registry(environ={"ANYTOKEN_PROVIDER_GAMMA": "fake-two"})
    assert client_for(chosen, "gamma").create_token("gamma").value == "two"
    assert client_for(Registry(environ={}, choices={"gamma": "fake-one"}), "gamma").create_token("gamma").value == "one"


def test_builtin_name_cannot_be_taken_silently(site: Path) -> None:
    make_dist(site, "fake-evil", "fake_evil", good("clerk"), {"clerk": "fake_evil:plugin"})
    registry = Registry(environ={}, allow=["clerk"])
    with pytest.raises(errors.ProviderConflictError, match="fake-evil"):
        registry.record("clerk")
    assert "fake_evil" not in sys.modules


def test_allow_list_and_disable(site: Path) -> None:
    make_dist(site, "fake-alpha", "fake_alpha", good("alpha"), {"alpha": "fake_alpha:plugin"})
    make_dist(site, "fake-zeta", "fake_zeta", good("zeta"), {"zeta": "fake_zeta:plugin"})
    registry = Registry(environ={"ANYTOKEN_PLUGINS": "alpha"})
    assert "alpha" in registry.names() and "zeta" not in registry.names()
    with pytest.raises(errors.UnknownProviderError):
        registry.record("zeta")
    by_dist = Registry(environ={"ANYTOKEN_PLUGINS": "fake-zeta"})
    assert by_dist.names() == ["zeta"]
    off = Registry(environ={"ANYTOKEN_DISABLE_PLUGINS": "1"})
    assert off.names() == []


def test_providers_hook_declares_without_network(site: Path) -> None:
    make_dist(site, "fake-alpha", "fake_alpha", good("alpha"), {"alpha": "fake_alpha:plugin"})
    registry = Registry(environ={"ANYTOKEN_PLUGINS": "alpha"})
    infos = registry.providers()  # calls anytoken_providers on every allowed plugin
    assert [i.name for i in infos] == ["alpha"]


def test_third_party_audit_hook_receives_events(site: Path) -> None:
    make_dist(site, "fake-alpha", "fake_alpha", good("alpha"), {"alpha": "fake_alpha:plugin"})
    events: list[AuditEvent] = []

    class Siem:
        @anytoken.hookimpl
        def anytoken_audit(self, event: AuditEvent) -> None:
            events.append(event)

    class Broken:
        @anytoken.hookimpl
        def anytoken_audit(self, event: AuditEvent) -> None:
            raise RuntimeError("auditor down")

    registry = Registry(environ={})
    registry.pm.register(Siem())
    registry.pm.register(Broken())
    client = client_for(registry, "alpha")
    client.create_token("alpha")
    assert len(events) == 1 and events[0].outcome == "success" and events[0].provider == "alpha"
    assert "k-alpha" not in repr(events[0].to_dict())
    assert events[0].credential_fingerprints["key"] != "k-alpha"


def test_wrapper_hookimpl_sees_every_call(site: Path) -> None:
    make_dist(site, "fake-alpha", "fake_alpha", good("alpha"), {"alpha": "fake_alpha:plugin"})
    seen: list[str] = []

    class Timing:
        @anytoken.hookimpl(wrapper=True)
        def create_token(self, request: Any) -> Any:
            seen.append(request.provider)
            return (yield)

    registry = Registry(environ={})
    registry.pm.register(Timing())
    assert client_for(registry, "alpha").create_token("alpha").value == "tok-alpha"
    assert seen == ["alpha"]


def test_sandbox_routes_come_from_the_anytoken_sandbox_providers_hook(site: Path) -> None:
    code = good("alpha") + textwrap.dedent("""
    from anytoken.devkit.sandbox.model import Route, SandboxProvider, SandboxResponse

    def _sandbox():
        route = Route("POST", "/token", lambda req, state: SandboxResponse.json(200, {"token": "t"}), "createToken")
        return [SandboxProvider("alpha", "/alpha", (route,), {"key": "k"}, {"api": {}})]

    Plugin.anytoken_sandbox_providers = anytoken.hookimpl(optionalhook=True)(lambda self: _sandbox())
    """)
    make_dist(site, "fake-alpha", "fake_alpha", code, {"alpha": "fake_alpha:plugin"})
    registry = Registry(environ={"ANYTOKEN_PLUGINS": "alpha"})
    # the runtime registry loads the plugin without knowing the devkit's hook (optionalhook) ...
    assert registry.record("alpha").status == "loaded"
    assert registry.pm.hook.anytoken_sandbox_providers.spec is None
    # ... which the devkit specifies when the sandbox asks (pluggy validates the registered hookimpl then)
    provided = sandbox_providers(registry)
    assert [p.name for p in provided] == ["alpha"]
    assert registry.pm.hook.anytoken_sandbox_providers.spec is not None
    assert [p.name for p in sandbox_providers(registry)] == ["alpha"]  # adding the spec twice is harmless


def test_a_sandbox_hookimpl_not_marked_optional_is_a_broken_plugin(site: Path) -> None:
    """The runtime registry knows no sandbox spec: a hookimpl without ``optionalhook`` is an unknown hook."""
    code = good("alpha") + "\nPlugin.anytoken_sandbox_providers = anytoken.hookimpl(lambda self: [])\n"
    make_dist(site, "fake-alpha", "fake_alpha", code, {"alpha": "fake_alpha:plugin"})
    with pytest.warns(AnytokenPluginWarning, match="unknown hook 'anytoken_sandbox_providers'"):
        status = Registry(environ={"ANYTOKEN_PLUGINS": "alpha"}).load_all()[0].status
    assert status == "broken"


# -- Client(env=...) chooses the plugins (issue 10, defect 9): nothing read from os.environ ---------------


@pytest.fixture
def fresh_registries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Registries built for this test only (the cache would keep another test's scan of ``site``)."""
    monkeypatch.setattr(plugins_module, "_registries", type(plugins_module._registries)())
    for name in [k for k in os.environ if k.startswith("ANYTOKEN_PROVIDER_") or k in SELECTION_VARS]:
        monkeypatch.delenv(name)
    yield


SELECTION_VARS = ("ANYTOKEN_PLUGINS", "ANYTOKEN_DISABLE_PLUGINS", "ANYTOKEN_STRICT_PLUGINS")


@pytest.fixture
def env_client() -> Iterator[Any]:
    """Make a Client reading only the given environment (closed after the test)."""
    made: list[anytoken.Client] = []

    def make(env: dict[str, str], *names: str, **kwargs: Any) -> anytoken.Client:
        env = {**env, **{n.upper() + "_KEY": "k-" + n for n in names}}
        made.append(anytoken.Client(env=env, transport=httpx.MockTransport(lambda r: httpx.Response(500)), **kwargs))
        return made[-1]

    yield make
    for client in made:
        client.close()


def test_client_env_chooses_between_conflicting_distributions(site: Path, fresh_registries: None, env_client: Any) -> None:
    make_dist(site, "fake-one", "fake_one", good("gamma", "return Token.from_value('gamma', 'api', 'one')"), {"gamma": "fake_one:plugin"})
    make_dist(site, "fake-two", "fake_two", good("gamma", "return Token.from_value('gamma', 'api', 'two')"), {"gamma": "fake_two:plugin"})
    assert env_client({"ANYTOKEN_PROVIDER_GAMMA": "fake-two"}, "gamma").create_token("gamma").value == "two"
    assert env_client({"ANYTOKEN_PROVIDER_GAMMA": "fake-one"}, "gamma").create_token("gamma").value == "one"
    with pytest.raises(errors.ProviderConflictError):  # (not env={}: the process-wide registry scanned before `site`)
        env_client({"ANYTOKEN_PLUGINS": "gamma"}, "gamma").create_token("gamma")


def test_client_env_allow_list_disable_and_strict(site: Path, fresh_registries: None, env_client: Any) -> None:
    make_dist(site, "fake-alpha", "fake_alpha", good("alpha"), {"alpha": "fake_alpha:plugin"})
    make_dist(site, "fake-zeta", "fake_zeta", good("zeta"), {"zeta": "fake_zeta:plugin"})
    make_dist(site, "fake-beta", "fake_beta", "raise ImportError('beta is broken')\n", {"beta": "fake_beta:plugin"})
    only_alpha = env_client({"ANYTOKEN_PLUGINS": "alpha"}, "alpha", "zeta")
    assert only_alpha.registry.names() == ["alpha"]
    with pytest.raises(errors.UnknownProviderError, match="ANYTOKEN_PLUGINS does not allow it"):
        only_alpha.create_token("zeta")
    assert env_client({"ANYTOKEN_DISABLE_PLUGINS": "1"}).registry.names() == []
    with pytest.raises(errors.PluginError, match="beta is broken"):
        env_client({"ANYTOKEN_STRICT_PLUGINS": "1", "ANYTOKEN_PLUGINS": "alpha,beta"}).registry.load_all()
    with pytest.warns(AnytokenPluginWarning, match="beta"):
        env_client({"ANYTOKEN_PLUGINS": "alpha,beta"}).registry.load_all()


def test_one_registry_per_selection_and_the_default_when_env_selects_nothing_else(fresh_registries: None, env_client: Any) -> None:
    default = default_registry()
    assert env_client({}).registry is default
    assert env_client({"UNRELATED": "x", "ANYTOKEN_AUDIT_LOG": "0"}).registry is default
    assert env_client(dict(os.environ)).registry is default
    allow = env_client({"ANYTOKEN_PLUGINS": "clerk"}).registry
    assert allow is not default and allow.allow == frozenset({"clerk"})
    assert env_client({"ANYTOKEN_PLUGINS": " Clerk ,", "OTHER": "y"}).registry is allow  # the same selection
    chosen = env_client({}, plugins={"clerk": "anytoken-clerk"}).registry
    assert chosen is not default and chosen.choices == {"clerk": "anytoken-clerk"}
    assert env_client({"ANYTOKEN_PROVIDER_CLERK": "anytoken-clerk"}).registry is chosen
    assert registry_for({"ANYTOKEN_PLUGINS": "clerk"}) is allow


def test_client_env_selects_the_plugins_that_reach_the_sandbox(fresh_registries: None) -> None:
    """On real sockets: the env's allow-list decides which provider may mint, whatever os.environ says."""
    from anytoken.devkit.sandbox import Sandbox

    with Sandbox() as sb:
        env = {**sb.env(), "ANYTOKEN_PLUGINS": "telnyx"}
        credential = sb.examples("telnyx")["credential"]
        with anytoken.Client(env=env) as client:
            assert client.registry.names() == ["telnyx"]
            assert client.create_token("telnyx", **credential).value
            with pytest.raises(errors.UnknownProviderError, match="ANYTOKEN_PLUGINS does not allow it"):
                client.create_token("clerk")
        assert sb.requests("telnyx") == 1 and sb.requests("clerk") == 0
        with anytoken.Client(env={**sb.env(), "ANYTOKEN_DISABLE_PLUGINS": "1"}) as client, pytest.raises(errors.UnknownProviderError):
            client.create_token("telnyx", **credential)
        with anytoken.Client(env=sb.env()) as client:  # nothing selected: every installed provider
            assert client.create_token("clerk").value
        assert sb.requests("telnyx") == 1 and sb.requests("clerk") == 1
