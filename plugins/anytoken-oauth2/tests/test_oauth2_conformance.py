from __future__ import annotations

from anytoken.testing import ProviderConformance


class TestOAuth2Conformance(ProviderConformance):
    provider = "oauth2"


class TestAuth0Conformance(ProviderConformance):
    provider = "auth0"


class TestOktaConformance(ProviderConformance):
    provider = "okta"


class TestEntraConformance(ProviderConformance):
    provider = "entra"


class TestKeycloakConformance(ProviderConformance):
    provider = "keycloak"
