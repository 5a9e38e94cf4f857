"""The conformance suite every provider plugin runs, and helpers for testing token code.

Subclass :class:`ProviderConformance` in a plugin's tests (langchain's standard tests are the model)::

    from anytoken.testing import ProviderConformance

    class TestConformance(ProviderConformance):
        provider = "telnyx"

It runs against the local sandbox (the ``anytoken_sandbox`` fixture of anytoken's pytest plugin) and
checks: the declaration is well formed; every kind mints from the sandbox's examples, sync and async
alike; expiry is parsed; a wrong key is an AuthenticationError (a credential declared
``CredentialField(local=True)``, checked or signed with locally, is instead refused as malformed before
anything is sent); 404 and 400/422 map to NotFoundError and
ProviderRejectedError; missing credentials name their env vars; no secret reaches an error or a repr; the
plugin module imports nothing heavy.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from .client import Client
from .declarations import ProviderInfo
from .errors import (
    AnytokenError,
    AuthenticationError,
    InvalidParameterError,
    MissingCredentialError,
    NotFoundError,
    ProviderRejectedError,
)
from .tokens import Token

if TYPE_CHECKING:
    from .sandbox import Sandbox

__all__ = ["ProviderConformance", "assert_no_secret"]


def assert_no_secret(exc: BaseException, *secrets: str) -> None:
    """Fail when any secret appears in the exception, its repr, or its cause/context chain."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts = (str(current), repr(current), *(str(a) for a in current.args))
        for secret in secrets:
            if secret and len(secret) >= 4:
                for text in texts:
                    assert secret not in text, f"secret leaked in {type(current).__name__}"
        current = current.__cause__ or current.__context__


def _local_credentials(info: ProviderInfo, names: tuple[str, ...]) -> set[str]:
    """The credentials of ``names`` the plugin checks or uses locally (``CredentialField(local=True)``)."""
    return {n for n in names if getattr(info.credential(n), "local", False)}


class ProviderConformance:
    """Standard tests for one provider; set :attr:`provider`."""

    provider: ClassVar[str] = ""

    # -- fixtures -----------------------------------------------------------------------------------

    @pytest.fixture
    def sandbox(self, anytoken_sandbox: Sandbox) -> Sandbox:
        anytoken_sandbox.clear_faults()
        return anytoken_sandbox

    @pytest.fixture
    def client(self, sandbox: Sandbox) -> Iterator[Client]:
        with sandbox.client(env={}) as client:
            yield client

    @pytest.fixture
    def info(self, client: Client) -> ProviderInfo:
        return client.registry.provider(self.provider)

    def examples(self, sandbox: Sandbox) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in sandbox.examples(self.provider).items()}

    # -- declaration ----------------------------------------------------------------------------------

    def test_declaration_is_well_formed(self, info: ProviderInfo, sandbox: Sandbox) -> None:
        info.check()
        assert info.name == self.provider
        for cred in info.credentials:
            for env in cred.env:
                assert env == env.upper() and env.replace("_", "").isalnum(), env
        assert info.base_urls or info.base_url_env, "a per-customer provider must name a base-URL env var"
        examples = self.examples(sandbox)
        missing = [k.name for k in info.kinds if k.name not in examples]
        assert not missing, f"the sandbox has no example parameters for kinds {missing}"
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
            "heavy = [m for m in ('httpx', 'httpcore', 'anytoken.sandbox', 'anytoken._http') if m in sys.modules]; "
            "heavy += [m for m in sys.modules if m.endswith('_client') and m.startswith('anytoken_')]; "
            "print(','.join(heavy))"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
        assert out.stdout.strip() == "", f"importing {module} imported {out.stdout.strip()}"

    # -- minting ------------------------------------------------------------------------------------

    def test_every_kind_mints(self, client: Client, info: ProviderInfo, sandbox: Sandbox) -> None:
        for kind, params in self.examples(sandbox).items():
            token = client.create_token(self.provider, kind=kind, **params)
            assert isinstance(token, Token)
            assert token.provider == self.provider and token.kind == kind
            assert token.value and token.value not in repr(token) and token.value not in str(token)
            if token.claims is not None and "exp" in token.claims:
                assert token.expires_at is not None, f"{kind}: JWT exp not read"
                assert abs(token.expires_at.timestamp() - float(token.claims["exp"])) < 1.0 or token.expires_at is not None
            if token.expires_at is not None:
                assert token.expires_at.tzinfo is not None
                assert not token.is_expired(), f"{kind}: minted token already expired"

    def test_sync_and_async_agree(self, client: Client, sandbox: Sandbox) -> None:
        examples = self.examples(sandbox)

        async def amint_all() -> dict[str, Token]:
            out = {k: await client.acreate_token(self.provider, kind=k, **p) for k, p in examples.items()}
            await client.aclose()
            return out

        async_tokens = asyncio.run(amint_all())
        for kind, params in examples.items():
            sync_token = client.create_token(self.provider, kind=kind, **params)
            a = async_tokens[kind]
            assert (a.provider, a.kind) == (sync_token.provider, sync_token.kind)
            assert (a.expires_at is None) == (sync_token.expires_at is None), kind
            assert sorted(a.metadata) == sorted(sync_token.metadata), kind
            assert type(a.raw) is type(sync_token.raw), kind

    def test_default_kind_is_first(self, client: Client, info: ProviderInfo, sandbox: Sandbox) -> None:
        params = self.examples(sandbox)[info.default_kind]
        assert client.create_token(self.provider, **params).kind == info.default_kind

    # -- failures -----------------------------------------------------------------------------------

    def test_wrong_key_is_an_authentication_error(self, sandbox: Sandbox, info: ProviderInfo) -> None:
        for kind, params in self.examples(sandbox).items():
            k = info.kind(kind)
            local = _local_credentials(info, k.credentials)
            wrong = {name: f"wrong-{name}-0123456789abcdef" for name in k.credentials if name not in local}
            if not wrong:
                continue  # every credential is checked locally: test_malformed_local_credential_is_refused_before_sending
            creds = {**sandbox.credentials(self.provider), **wrong}
            with sandbox.client(env={}, credentials={self.provider: creds}) as client, pytest.raises(AuthenticationError) as caught:
                client.create_token(self.provider, kind=kind, **params)
            assert caught.value.status in (401, 403)
            assert_no_secret(caught.value, *wrong.values(), *sandbox.credentials(self.provider).values())

    def test_malformed_local_credential_is_refused_before_sending(self, sandbox: Sandbox, info: ProviderInfo) -> None:
        """A credential the plugin checks or signs with (``CredentialField(local=True)``, e.g. a PEM private key)
        is never sent as-is: a malformed value is an InvalidParameterError naming ``credentials.<name>``, raised
        before any request, without the value in the message."""
        for kind, params in self.examples(sandbox).items():
            for name in _local_credentials(info, info.kind(kind).credentials):
                bad = f"not-a-valid-{name}-0123456789abcdef"
                creds = {**sandbox.credentials(self.provider), name: bad}
                before = sandbox.requests(self.provider)
                with sandbox.client(env={}, credentials={self.provider: creds}) as client, pytest.raises(InvalidParameterError) as caught:
                    client.create_token(self.provider, kind=kind, **params)
                assert f"credentials.{name}" in caught.value.fields, caught.value.fields
                assert sandbox.requests(self.provider) == before, f"{kind}: a request was sent with a malformed {name}"
                assert_no_secret(caught.value, bad, *sandbox.credentials(self.provider).values())

    def test_not_found_maps_to_not_found_error(self, client: Client, sandbox: Sandbox) -> None:
        provider = sandbox.provider(self.provider)
        for kind, params in provider.not_found.items():
            with pytest.raises(NotFoundError) as caught:
                client.create_token(self.provider, kind=kind, **params)
            assert caught.value.status == 404

    def test_invalid_parameters_are_rejected(self, client: Client, sandbox: Sandbox) -> None:
        provider = sandbox.provider(self.provider)
        for kind, params in provider.invalid.items():
            with pytest.raises((ProviderRejectedError, InvalidParameterError)) as caught:
                client.create_token(self.provider, kind=kind, **params)
            assert_no_secret(caught.value, *sandbox.credentials(self.provider).values())

    def test_unknown_parameter_names_the_field(self, client: Client, info: ProviderInfo, sandbox: Sandbox) -> None:
        for kind in info.kinds:
            if kind.extra_params:
                continue
            params = self.examples(sandbox)[kind.name]
            with pytest.raises(InvalidParameterError) as caught:
                client.create_token(self.provider, kind=kind.name, no_such_param_xyz=1, **params)
            assert "no_such_param_xyz" in str(caught.value)

    def test_missing_credentials_name_the_env_vars(self, sandbox: Sandbox, info: ProviderInfo) -> None:
        for kind, params in self.examples(sandbox).items():
            k = info.kind(kind)
            if not k.credentials:
                continue
            base_urls = {self.provider: sandbox.base_url(self.provider)}
            with Client(base_urls=base_urls, env={}) as client, pytest.raises(MissingCredentialError) as caught:
                client.create_token(self.provider, kind=kind, **params)
            field = info.credential(caught.value.field)
            for env in field.env:
                assert env in str(caught.value)

    def test_errors_never_carry_secrets(self, sandbox: Sandbox) -> None:
        secrets = list(sandbox.credentials(self.provider).values())
        with sandbox.client(env={}) as client:
            for kind, params in self.examples(sandbox).items():
                for bad in ({"no_such_param_xyz": "x"}, {}):
                    try:
                        client.create_token(self.provider, kind=kind, **{**params, **bad}) if bad else None
                    except AnytokenError as exc:
                        assert_no_secret(exc, *secrets)
            assert not any(s in repr(client) for s in secrets if len(s) >= 4)
