"""The sandbox mounts of the emulated authorization server (``_sandbox_emulator.py``): one per provider name.

=========  ====================  ==============================================================
provider   base path             layout (relative to the base path)
=========  ====================  ==============================================================
oauth2     ``/oauth2``           issuer = base; ``/token``, ``/revoke``, ``/introspect``
auth0      ``/auth0``            issuer = base + ``/``; ``/oauth/token``, ``/oauth/revoke``
okta       ``/okta``             issuer = ``/oauth2/{server}``; ``/v1/token``, ``/v1/revoke``, ``/v1/introspect``
entra      ``/entra``            ``/{tenant}/oauth2/v2.0/token`` (no discovery)
keycloak   ``/keycloak``         issuer = ``/realms/{realm}``; ``/protocol/openid-connect/token`` ...
google     ``/google``           ``/token`` (jwt_bearer with a service-account key)
=========  ====================  ==============================================================
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from anytoken.devkit.sandbox.model import Route, SandboxProvider

from ._sandbox_emulator import CLIENT_ID, CLIENT_SECRET, PRIVATE_KEY, REFRESH_TOKEN, SUBJECT_TOKEN, Layout, handlers

__all__ = ["GOOGLE_KEY_FILE", "sandbox_providers"]

_CREDS = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "subject_token": SUBJECT_TOKEN, "refresh_token": REFRESH_TOKEN}
#: a service-account key file whose key the sandbox accepts (its client_email is the sandbox client)
GOOGLE_KEY_FILE = json.dumps(
    {
        "type": "service_account",
        "project_id": "anytoken-sandbox",
        "private_key_id": "sandbox-key-1",
        "private_key": PRIVATE_KEY,
        "client_email": CLIENT_ID,
        "token_uri": "https://oauth2.googleapis.com/token",
    }
)


def _examples(scope: str = "api:read", **extra: Any) -> dict[str, dict[str, Any]]:
    return {
        "client_credentials": {"scope": scope, **extra},
        "jwt_bearer": {"scope": scope, **extra},
        "token_exchange": {"scope": scope, "resource": ["https://api.example.test"], **extra},
        "refresh_token": {"scope": scope, **extra},
    }


def _mount(
    name: str,
    base_path: str,
    layout: Layout,
    prefix: str,
    *,
    discovery: bool = True,
    examples: Mapping[str, Mapping[str, Any]],
    credentials: Mapping[str, str] = _CREDS,
) -> SandboxProvider:
    h = handlers(layout)
    routes = [Route("POST", prefix + layout.token, h["token"], "requestToken")]
    if discovery:
        routes += [
            Route("GET", prefix + "/.well-known/openid-configuration", h["metadata"], "getOpenidConfiguration"),
            Route("GET", prefix + "/jwks", h["jwks"], "getJwks"),
        ]
    if layout.revocation:
        routes.append(Route("POST", prefix + layout.revocation, h["revoke"], "revokeToken"))
    if layout.introspection:
        routes.append(Route("POST", prefix + layout.introspection, h["introspect"], "introspectToken"))
    return SandboxProvider(
        name=name,
        base_path=base_path,
        routes=tuple(routes),
        credentials=dict(credentials),
        examples=dict(examples),
        invalid={kind: {**params, "scope": "admin:all"} for kind, params in examples.items()},  # invalid_scope
    )


def sandbox_providers() -> list[SandboxProvider]:
    oauth2 = _mount("oauth2", "/oauth2", Layout(issuer=lambda base, _: base), "", examples=_examples())
    auth0_examples = _examples(audience="https://api.example.test")
    return [
        oauth2,
        _mount(
            "auth0",
            "/auth0",
            Layout(
                issuer=lambda base, _: base + "/",
                root=lambda base, _: base,
                token="/oauth/token",
                revocation="/oauth/revoke",
                introspection=None,
            ),
            "",
            examples=auth0_examples,
        ),
        _mount(
            "okta",
            "/okta",
            Layout(
                issuer=lambda base, p: f"{base}/oauth2/{p['server']}",
                token="/v1/token",
                revocation="/v1/revoke",
                introspection="/v1/introspect",
            ),
            "/oauth2/{server}",
            examples=_examples(),
        ),
        _mount(
            "entra",
            "/entra",
            Layout(
                issuer=lambda base, p: f"{base}/{p['tenant']}/v2.0",
                root=lambda base, p: f"{base}/{p['tenant']}",
                token="/oauth2/v2.0/token",
                revocation=None,
                introspection=None,
            ),
            "/{tenant}",
            discovery=False,
            examples={
                "client_credentials": {"tenant_id": "contoso.onmicrosoft.com", "scope": "api:read"},
                "jwt_bearer": {"tenant_id": "contoso.onmicrosoft.com", "scope": "api:read"},
                "refresh_token": {"tenant_id": "contoso.onmicrosoft.com", "scope": "api:read"},
            },
        ),
        _mount(
            "keycloak",
            "/keycloak",
            Layout(
                issuer=lambda base, p: f"{base}/realms/{p['realm']}",
                token="/protocol/openid-connect/token",
                revocation="/protocol/openid-connect/revoke",
                introspection="/protocol/openid-connect/token/introspect",
            ),
            "/realms/{realm}",
            examples=_examples(realm="anytoken"),
        ),
        _mount(
            "google",
            "/google",
            Layout(issuer=lambda base, _: base, revocation=None, introspection=None),
            "",
            discovery=False,
            examples={"jwt_bearer": {"scope": "api:read"}},
            credentials={"service_account": GOOGLE_KEY_FILE},
        ),
    ]
