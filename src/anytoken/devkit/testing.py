"""The conformance suites every provider plugin runs, and helpers for testing token code.

Subclass :class:`ProviderConformance` in a plugin's tests (langchain's standard tests are the model)::

    from anytoken.devkit.testing import ProviderConformance

    class TestConformance(ProviderConformance):
        provider = "telnyx"

It runs against the local sandbox (the ``anytoken_sandbox`` fixture of anytoken's pytest plugin) and
checks: the declaration is well formed; every kind mints from the sandbox's examples, sync and async
alike; a JWT's ``exp`` is read; a wrong key is an AuthenticationError (a credential declared
``CredentialField(local=True)``, checked or signed with locally, is instead refused as malformed before
anything is sent); the sandbox's ``not_found`` and
``invalid`` examples reach the wire (the sandbox counts the requests) and map to NotFoundError and
ProviderRejectedError; missing credentials name their env vars; no secret reaches an error, a token's
repr or anything reachable from either (``token.raw`` included); the plugin module imports nothing heavy.

Every kind must have a ``not_found`` and an ``invalid`` example unless the subclass says why it has no such
failure mode (``no_not_found = {"m2m": "POST /m2m_tokens has no path id"}``, ``no_invalid = {...}``), and a
suite without examples fails instead of passing vacuously.

:class:`ProviderLiveConformance` runs the same checks against the real provider when the credentials it
names are in the environment, and is skipped otherwise (see its docstring).

Both suites are built from small overridable pieces (the ``client``, ``secrets`` and ``wire`` fixtures and
the ``*_cases`` methods), so a kind of credential that is checked locally or used for signing can add its
own fixture and checks without rewriting the suite.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from anytoken.client import Client
from anytoken.declarations import ProviderInfo
from anytoken.devkit._reachable import assert_nothing_reachable_shows, reachable
from anytoken.errors import AuthenticationError, InvalidParameterError, MissingCredentialError, NotFoundError, ProviderRejectedError
from anytoken.tokens import Token

if TYPE_CHECKING:
    import httpx

    from anytoken.devkit.sandbox import Sandbox

__all__ = ["ProviderConformance", "ProviderLiveConformance", "assert_no_secret", "assert_nothing_reachable_shows", "reachable"]

Cases = dict[str, dict[str, Any]]
#: how many requests reached the provider so far (the sandbox's request log, or a counting transport)
WireCount = Callable[[], int]


def assert_no_secret(exc: BaseException, *secrets: str) -> None:
    """Fail when any secret appears in the exception, its repr, its attributes, or its cause/context chain."""
    assert_nothing_reachable_shows(exc, *secrets)


def _local_credentials(info: ProviderInfo, names: tuple[str, ...]) -> set[str]:
    """The credentials of ``names`` the plugin checks or uses locally (``CredentialField(local=True)``)."""
    return {n for n in names if info.credential(n).local}


class _ConformanceChecks:
    """The checks both suites share; subclasses provide the ``client``, ``info``, ``secrets`` and ``wire``
    fixtures and the case methods."""

    provider: ClassVar[str] = ""
    #: kind -> why it has no 404 failure mode (no path id, ...); every other kind needs a ``not_found`` case
    no_not_found: ClassVar[Mapping[str, str]] = {}
    #: kind -> why the provider cannot reject its parameters; every other kind needs an ``invalid`` case
    no_invalid: ClassVar[Mapping[str, str]] = {}
    #: kind -> why this suite cannot mint it at all (e.g. a live run lacks that kind's credential)
    uncovered: ClassVar[Mapping[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__name__.startswith("Test") and not cls.provider:
            raise TypeError(f"{cls.__qualname__}: set `provider` to the provider under test")

    # -- cases (override to change where they come from) ---------------------------------------------
    def example_cases(self) -> Cases:
        raise NotImplementedError

    def not_found_cases(self) -> Cases:
        raise NotImplementedError

    def invalid_cases(self) -> Cases:
        raise NotImplementedError

    @pytest.fixture
    def examples(self, info: ProviderInfo) -> Cases:
        cases = self.example_cases()
        assert cases, f"{self.provider}: no example parameters, so this suite would check nothing"
        missing = [k.name for k in info.kinds if k.name not in cases and k.name not in self.uncovered]
        assert not missing, f"{self.provider}: no example parameters for kinds {missing}"
        return cases

    # -- the suite proves it has something to run ----------------------------------------------------
    def test_every_failure_mode_has_a_case(self, info: ProviderInfo, examples: Cases) -> None:
        kinds = {k.name for k in info.kinds} - set(self.uncovered)
        for label, cases, waived in (
            ("not_found", self.not_found_cases(), self.no_not_found),
            ("invalid", self.invalid_cases(), self.no_invalid),
        ):
            assert not set(waived) - kinds, f"{label} waivers name unknown kinds {sorted(set(waived) - kinds)}"
            assert not set(cases) - kinds, f"{label} cases name unknown kinds {sorted(set(cases) - kinds)}"
            lacking = sorted(kinds - set(cases) - set(waived))
            assert not lacking, f"kinds {lacking} have no {label} case: add one, or say in no_{label} why the kind has none"
            both = sorted(set(cases) & set(waived))
            assert not both, f"kinds {both} have a {label} case and a waiver"

    # -- minting ------------------------------------------------------------------------------------
    def test_every_kind_mints(self, client: Client, examples: Cases, secrets: list[str]) -> None:
        for kind, params in examples.items():
            token = client.create_token(self.provider, kind=kind, **params)
            assert isinstance(token, Token)
            assert token.provider == self.provider and token.kind == kind
            assert token.value, f"{kind}: empty token"
            assert_nothing_reachable_shows(token, token.value, *secrets)
            claims = token.claims
            if claims is not None and isinstance(claims.get("exp"), int | float):
                assert token.expires_at is not None, f"{kind}: JWT exp not read"
                assert abs(token.expires_at.timestamp() - float(claims["exp"])) < 1.0, f"{kind}: expires_at disagrees with exp"
            if token.expires_at is not None:
                assert token.expires_at.tzinfo is not None
                assert not token.is_expired(), f"{kind}: minted token already expired"

    def test_sync_and_async_agree(self, client: Client, examples: Cases) -> None:
        async def amint_all() -> dict[str, Token]:
            out = {k: await client.acreate_token(self.provider, kind=k, **p) for k, p in examples.items()}
            return out  # no aclose: the client is used again; this loop's pools close when asyncio.run ends

        async_tokens = asyncio.run(amint_all())
        for kind, params in examples.items():
            sync_token = client.create_token(self.provider, kind=kind, **params)
            a = async_tokens[kind]
            assert (a.provider, a.kind) == (sync_token.provider, sync_token.kind)
            assert (a.expires_at is None) == (sync_token.expires_at is None), kind
            assert sorted(a.metadata) == sorted(sync_token.metadata), kind
            assert type(a.raw) is type(sync_token.raw), kind

    # -- failures that must reach the provider -------------------------------------------------------
    def test_not_found_maps_to_not_found_error(self, client: Client, examples: Cases, wire: WireCount, secrets: list[str]) -> None:
        for kind, params in self.not_found_cases().items():
            before = wire()
            with pytest.raises(NotFoundError) as caught:
                client.create_token(self.provider, kind=kind, **params)
            assert wire() > before, f"{kind}: the not_found case never reached the provider"
            assert caught.value.status == 404
            assert_no_secret(caught.value, *secrets)

    def test_invalid_parameters_are_rejected_by_the_provider(
        self, client: Client, examples: Cases, wire: WireCount, secrets: list[str]
    ) -> None:
        for kind, params in self.invalid_cases().items():
            before = wire()
            with pytest.raises(ProviderRejectedError) as caught:
                client.create_token(self.provider, kind=kind, **params)
            assert wire() > before, f"{kind}: the invalid case was refused before it reached the provider"
            assert caught.value.status is not None and 400 <= caught.value.status < 500
            assert_no_secret(caught.value, *secrets)

    def test_wrong_key_is_an_authentication_error(self, info: ProviderInfo, examples: Cases, secrets: list[str]) -> None:
        checked = 0
        for kind, params in examples.items():
            names = info.kind(kind).credentials
            local = _local_credentials(info, names)
            wrong = {name: f"wrong-{name}-0123456789abcdef" for name in names if name not in local}
            if not wrong:
                continue  # only locally checked credentials: test_malformed_local_credential_is_refused_before_sending
            with self.client_with(wrong) as client, pytest.raises(AuthenticationError) as caught:
                client.create_token(self.provider, kind=kind, **params)
            assert caught.value.status in (401, 403)
            assert_no_secret(caught.value, *wrong.values(), *secrets)
            checked += 1
        if not any(set(k.credentials) - _local_credentials(info, k.credentials) for k in info.kinds):
            pytest.skip(f"{self.provider} needs no credentials that are sent as-is")
        assert checked

    def test_malformed_local_credential_is_refused_before_sending(
        self, info: ProviderInfo, examples: Cases, wire: WireCount, secrets: list[str]
    ) -> None:
        """A credential the plugin checks or signs with (``CredentialField(local=True)``, e.g. a PEM private key)
        is never sent as-is: a malformed value is an InvalidParameterError naming ``credentials.<name>``, raised
        before any request, without the value in the message."""
        for kind, params in examples.items():
            for name in sorted(_local_credentials(info, info.kind(kind).credentials)):
                bad = f"not-a-valid-{name}-0123456789abcdef"
                before = wire()
                with self.client_with({name: bad}) as client, pytest.raises(InvalidParameterError) as caught:
                    client.create_token(self.provider, kind=kind, **params)
                assert f"credentials.{name}" in caught.value.fields, caught.value.fields
                assert wire() == before, f"{kind}: a request was sent with a malformed {name}"
                assert_no_secret(caught.value, bad, *secrets)

    # -- secrets ------------------------------------------------------------------------------------
    def test_nothing_reachable_from_a_token_shows_a_secret(self, client: Client, examples: Cases, secrets: list[str]) -> None:
        for kind, params in examples.items():
            token = client.create_token(self.provider, kind=kind, **params)
            assert_nothing_reachable_shows(token, token.value, *secrets)
            with pytest.raises(AssertionError):  # the check itself can fail: the value shows in a plain dict
                assert_nothing_reachable_shows({"metadata": {"copy": token.value}}, token.value)

    def test_errors_never_carry_secrets(self, client: Client, info: ProviderInfo, examples: Cases, secrets: list[str]) -> None:
        for kind, params in examples.items():
            if info.kind(kind).extra_params:  # an unknown name is passed on: the wrong-key test covers these kinds
                continue
            with pytest.raises(InvalidParameterError) as caught:
                client.create_token(self.provider, kind=kind, **{**params, "no_such_param_xyz": "x"})
            assert_no_secret(caught.value, *secrets)
        assert_nothing_reachable_shows(repr(client), *secrets)

    # -- what subclasses provide ----------------------------------------------------------------------
    def client_with(self, credentials: Mapping[str, str]) -> Client:
        """A client like ``client`` whose credentials are overridden by ``credentials``."""
        raise NotImplementedError


class ProviderConformance(_ConformanceChecks):
    """Standard tests for one provider against the sandbox; set :attr:`provider`."""

    # -- fixtures -----------------------------------------------------------------------------------

    @pytest.fixture
    def sandbox(self, anytoken_sandbox: Sandbox) -> Sandbox:
        anytoken_sandbox.clear_faults()
        self._sandbox = anytoken_sandbox
        return anytoken_sandbox

    @pytest.fixture
    def client(self, sandbox: Sandbox) -> Iterator[Client]:
        with sandbox.client(env={}) as client:
            yield client

    @pytest.fixture
    def info(self, client: Client) -> ProviderInfo:
        return client.registry.provider(self.provider)

    @pytest.fixture
    def secrets(self, sandbox: Sandbox, info: ProviderInfo) -> list[str]:
        """The sandbox's valid credentials that are secret (long enough to be recognised)."""
        creds = sandbox.credentials(self.provider)
        return [v for k, v in creds.items() if info.credential(k).secret and len(v) >= 4]

    @pytest.fixture
    def wire(self, sandbox: Sandbox) -> WireCount:
        return lambda: sandbox.requests(self.provider)

    def example_cases(self) -> Cases:
        return self._sandbox.examples(self.provider)

    def not_found_cases(self) -> Cases:
        return {k: dict(v) for k, v in self._sandbox.provider(self.provider).not_found.items()}

    def invalid_cases(self) -> Cases:
        return {k: dict(v) for k, v in self._sandbox.provider(self.provider).invalid.items()}

    def client_with(self, credentials: Mapping[str, str]) -> Client:
        creds = {**self._sandbox.credentials(self.provider), **credentials}
        client: Client = self._sandbox.client(env={}, credentials={self.provider: creds})
        return client

    # -- declaration ----------------------------------------------------------------------------------

    def test_declaration_is_well_formed(self, info: ProviderInfo, examples: Cases) -> None:
        info.check()
        assert info.name == self.provider
        for cred in info.credentials:
            for env in cred.env:
                assert env == env.upper() and env.replace("_", "").isalnum(), env
        assert info.base_urls or info.base_url_env, "a per-customer provider must name a base-URL env var"
        for kind in info.kinds:
            assert kind.help, f"kind {kind.name} has no help text"
            for p in kind.params:
                assert p.help, f"parameter {kind.name}.{p.name} has no help text"
            if kind.persistent:
                assert not kind.idempotent, f"{kind.name}: persistent kinds cannot be blindly retried"

    def test_plugin_module_imports_nothing_heavy(self, client: Client) -> None:
        rec = client.registry.record(self.provider)
        module = rec.value.split(":")[0]
        code = (
            f"import sys, importlib; importlib.import_module({module!r}); "
            "heavy = [m for m in ('httpx', 'httpcore', 'anytoken.devkit.sandbox', 'anytoken._http') if m in sys.modules]; "
            "heavy += [m for m in sys.modules if m.endswith('_client') and m.startswith('anytoken_')]; "
            "print(','.join(heavy))"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
        assert out.stdout.strip() == "", f"importing {module} imported {out.stdout.strip()}"

    def test_default_kind_is_first(self, client: Client, info: ProviderInfo, examples: Cases) -> None:
        assert client.create_token(self.provider, **examples[info.default_kind]).kind == info.default_kind

    def test_unknown_parameter_names_the_field(self, client: Client, info: ProviderInfo, examples: Cases, wire: WireCount) -> None:
        for kind in info.kinds:
            if kind.extra_params:
                continue
            before = wire()
            with pytest.raises(InvalidParameterError) as caught:
                client.create_token(self.provider, kind=kind.name, no_such_param_xyz=1, **examples[kind.name])
            assert "no_such_param_xyz" in str(caught.value)
            assert wire() == before, f"{kind.name}: an unknown parameter went to the provider"

    def test_missing_credentials_name_the_env_vars(self, sandbox: Sandbox, info: ProviderInfo, examples: Cases) -> None:
        for kind, params in examples.items():
            if not info.kind(kind).credentials:
                continue
            base_urls = {self.provider: sandbox.base_url(self.provider)}
            with Client(base_urls=base_urls, env={}) as client, pytest.raises(MissingCredentialError) as caught:
                client.create_token(self.provider, kind=kind, **params)
            field = info.credential(caught.value.field)
            for env in field.env:
                assert env in str(caught.value)


class ProviderLiveConformance(_ConformanceChecks):
    """The same checks against the real provider; skipped unless every variable of :attr:`live_env` is set.

    Set :attr:`provider`, :attr:`live_env` (the environment variables the run needs: credentials, base URL)
    and the cases: :attr:`live_examples` (kind -> parameters that mint), :attr:`live_not_found` and
    :attr:`live_invalid` (parameters merged over the kind's example that the real provider answers with 404
    and 400/422), or override the ``*_cases`` methods. The client reads credentials and base URLs from
    ``os.environ``; requests are counted on the wire by a transport wrapped around httpx's.
    """

    live_env: ClassVar[tuple[str, ...]] = ()
    live_examples: ClassVar[Mapping[str, Mapping[str, Any]]] = {}
    live_not_found: ClassVar[Mapping[str, Mapping[str, Any]]] = {}
    live_invalid: ClassVar[Mapping[str, Mapping[str, Any]]] = {}

    @pytest.fixture
    def live_environment(self) -> dict[str, str]:
        missing = [name for name in self.live_env if not os.environ.get(name)]
        if missing or not self.live_env:
            pytest.skip(f"live {self.provider} checks need {', '.join(missing or ['live_env'])} in the environment")
        return dict(os.environ)

    @pytest.fixture
    def counter(self, live_environment: dict[str, str]) -> Iterator[_CountingTransport]:
        transport = _CountingTransport()
        yield transport
        transport.close()

    @pytest.fixture
    def client(self, live_environment: dict[str, str], counter: _CountingTransport) -> Iterator[Client]:
        self._live = (live_environment, counter)
        with Client(env=live_environment, transport=counter) as client:
            yield client

    @pytest.fixture
    def info(self, client: Client) -> ProviderInfo:
        return client.registry.provider(self.provider)

    @pytest.fixture
    def secrets(self, live_environment: dict[str, str], info: ProviderInfo) -> list[str]:
        values = [live_environment.get(env, "") for c in info.credentials if c.secret for env in c.env]
        return [v for v in values if len(v) >= 4]

    @pytest.fixture
    def wire(self, counter: _CountingTransport) -> WireCount:
        return lambda: counter.requests

    def example_cases(self) -> Cases:
        return {k: dict(v) for k, v in self.live_examples.items()}

    def not_found_cases(self) -> Cases:
        return {k: dict(v) for k, v in self.live_not_found.items()}

    def invalid_cases(self) -> Cases:
        return {k: dict(v) for k, v in self.live_invalid.items()}

    def client_with(self, credentials: Mapping[str, str]) -> Client:
        # the test's own counting transport: the Client never closes a caller's transport, the fixture does
        return Client(env=self._live[0], transport=self._live[1], credentials={self.provider: dict(credentials)})


class _CountingTransport:
    """httpx's own transport (real sockets), counting the requests it sends."""

    def __init__(self) -> None:
        import httpx

        self._inner = httpx.HTTPTransport()
        self.requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()

    def __enter__(self) -> _CountingTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
