"""The shared conformance suite against the sandbox's emulated authorization servers (google, whose only
credential is a key file that a wrong value cannot stand for, is covered in test_oauth2_plugin.py)."""

from __future__ import annotations

from typing import ClassVar

from anytoken.devkit.testing import ProviderConformance

_NO_PATH_IDS = "a token endpoint has no path ids: nothing can be 'not found' (a bad grant is invalid_grant, 400)"
_ALL = ("client_credentials", "jwt_bearer", "token_exchange", "refresh_token")


class _OAuth2Suite(ProviderConformance):
    no_not_found: ClassVar[dict[str, str]] = dict.fromkeys(_ALL, _NO_PATH_IDS)


class TestOAuth2Conformance(_OAuth2Suite):
    provider = "oauth2"


class TestAuth0Conformance(_OAuth2Suite):
    provider = "auth0"


class TestOktaConformance(_OAuth2Suite):
    provider = "okta"


class TestEntraConformance(ProviderConformance):
    provider = "entra"
    no_not_found: ClassVar[dict[str, str]] = dict.fromkeys(("client_credentials", "jwt_bearer", "refresh_token"), _NO_PATH_IDS)


class TestKeycloakConformance(_OAuth2Suite):
    provider = "keycloak"
