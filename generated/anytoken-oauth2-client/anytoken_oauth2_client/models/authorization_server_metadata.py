from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AuthorizationServerMetadata")


@_attrs_define(repr=False)
class AuthorizationServerMetadata:
    """RFC 8414 §2 / OpenID Connect Discovery 1.0 §3 (the fields a client of the token endpoint needs).

    Attributes:
        issuer (str): Must be identical to the issuer the metadata was fetched for (RFC 8414 §3.3).
        token_endpoint (str | Unset):
        jwks_uri (str | Unset):
        token_endpoint_auth_methods_supported (list[str] | Unset): Absent means client_secret_basic.
        token_endpoint_auth_signing_alg_values_supported (list[str] | Unset):
        grant_types_supported (list[str] | Unset):
        scopes_supported (list[str] | Unset):
        revocation_endpoint (str | Unset):
        revocation_endpoint_auth_methods_supported (list[str] | Unset):
        introspection_endpoint (str | Unset):
        introspection_endpoint_auth_methods_supported (list[str] | Unset):
    """

    issuer: str
    token_endpoint: str | Unset = UNSET
    jwks_uri: str | Unset = UNSET
    token_endpoint_auth_methods_supported: list[str] | Unset = UNSET
    token_endpoint_auth_signing_alg_values_supported: list[str] | Unset = UNSET
    grant_types_supported: list[str] | Unset = UNSET
    scopes_supported: list[str] | Unset = UNSET
    revocation_endpoint: str | Unset = UNSET
    revocation_endpoint_auth_methods_supported: list[str] | Unset = UNSET
    introspection_endpoint: str | Unset = UNSET
    introspection_endpoint_auth_methods_supported: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        issuer = self.issuer

        token_endpoint = self.token_endpoint

        jwks_uri = self.jwks_uri

        token_endpoint_auth_methods_supported: list[str] | Unset = UNSET
        if not isinstance(self.token_endpoint_auth_methods_supported, Unset):
            token_endpoint_auth_methods_supported = self.token_endpoint_auth_methods_supported

        token_endpoint_auth_signing_alg_values_supported: list[str] | Unset = UNSET
        if not isinstance(self.token_endpoint_auth_signing_alg_values_supported, Unset):
            token_endpoint_auth_signing_alg_values_supported = self.token_endpoint_auth_signing_alg_values_supported

        grant_types_supported: list[str] | Unset = UNSET
        if not isinstance(self.grant_types_supported, Unset):
            grant_types_supported = self.grant_types_supported

        scopes_supported: list[str] | Unset = UNSET
        if not isinstance(self.scopes_supported, Unset):
            scopes_supported = self.scopes_supported

        revocation_endpoint = self.revocation_endpoint

        revocation_endpoint_auth_methods_supported: list[str] | Unset = UNSET
        if not isinstance(self.revocation_endpoint_auth_methods_supported, Unset):
            revocation_endpoint_auth_methods_supported = self.revocation_endpoint_auth_methods_supported

        introspection_endpoint = self.introspection_endpoint

        introspection_endpoint_auth_methods_supported: list[str] | Unset = UNSET
        if not isinstance(self.introspection_endpoint_auth_methods_supported, Unset):
            introspection_endpoint_auth_methods_supported = self.introspection_endpoint_auth_methods_supported

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "issuer": issuer,
            }
        )
        if token_endpoint is not UNSET:
            field_dict["token_endpoint"] = token_endpoint
        if jwks_uri is not UNSET:
            field_dict["jwks_uri"] = jwks_uri
        if token_endpoint_auth_methods_supported is not UNSET:
            field_dict["token_endpoint_auth_methods_supported"] = token_endpoint_auth_methods_supported
        if token_endpoint_auth_signing_alg_values_supported is not UNSET:
            field_dict["token_endpoint_auth_signing_alg_values_supported"] = (
                token_endpoint_auth_signing_alg_values_supported
            )
        if grant_types_supported is not UNSET:
            field_dict["grant_types_supported"] = grant_types_supported
        if scopes_supported is not UNSET:
            field_dict["scopes_supported"] = scopes_supported
        if revocation_endpoint is not UNSET:
            field_dict["revocation_endpoint"] = revocation_endpoint
        if revocation_endpoint_auth_methods_supported is not UNSET:
            field_dict["revocation_endpoint_auth_methods_supported"] = revocation_endpoint_auth_methods_supported
        if introspection_endpoint is not UNSET:
            field_dict["introspection_endpoint"] = introspection_endpoint
        if introspection_endpoint_auth_methods_supported is not UNSET:
            field_dict["introspection_endpoint_auth_methods_supported"] = introspection_endpoint_auth_methods_supported

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        issuer = d.pop("issuer")

        token_endpoint = d.pop("token_endpoint", UNSET)

        jwks_uri = d.pop("jwks_uri", UNSET)

        token_endpoint_auth_methods_supported = cast(list[str], d.pop("token_endpoint_auth_methods_supported", UNSET))

        token_endpoint_auth_signing_alg_values_supported = cast(
            list[str], d.pop("token_endpoint_auth_signing_alg_values_supported", UNSET)
        )

        grant_types_supported = cast(list[str], d.pop("grant_types_supported", UNSET))

        scopes_supported = cast(list[str], d.pop("scopes_supported", UNSET))

        revocation_endpoint = d.pop("revocation_endpoint", UNSET)

        revocation_endpoint_auth_methods_supported = cast(
            list[str], d.pop("revocation_endpoint_auth_methods_supported", UNSET)
        )

        introspection_endpoint = d.pop("introspection_endpoint", UNSET)

        introspection_endpoint_auth_methods_supported = cast(
            list[str], d.pop("introspection_endpoint_auth_methods_supported", UNSET)
        )

        authorization_server_metadata = cls(
            issuer=issuer,
            token_endpoint=token_endpoint,
            jwks_uri=jwks_uri,
            token_endpoint_auth_methods_supported=token_endpoint_auth_methods_supported,
            token_endpoint_auth_signing_alg_values_supported=token_endpoint_auth_signing_alg_values_supported,
            grant_types_supported=grant_types_supported,
            scopes_supported=scopes_supported,
            revocation_endpoint=revocation_endpoint,
            revocation_endpoint_auth_methods_supported=revocation_endpoint_auth_methods_supported,
            introspection_endpoint=introspection_endpoint,
            introspection_endpoint_auth_methods_supported=introspection_endpoint_auth_methods_supported,
        )

        authorization_server_metadata.additional_properties = d
        return authorization_server_metadata

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

    def __repr__(self) -> str:
        parts: list[str] = [
            f"issuer={self.issuer!r}",
            "token_endpoint=<secret>",
            f"jwks_uri={self.jwks_uri!r}",
            "token_endpoint_auth_methods_supported=<secret>",
            "token_endpoint_auth_signing_alg_values_supported=<secret>",
            f"grant_types_supported={self.grant_types_supported!r}",
            f"scopes_supported={self.scopes_supported!r}",
            f"revocation_endpoint={self.revocation_endpoint!r}",
            f"revocation_endpoint_auth_methods_supported={self.revocation_endpoint_auth_methods_supported!r}",
            f"introspection_endpoint={self.introspection_endpoint!r}",
            f"introspection_endpoint_auth_methods_supported={self.introspection_endpoint_auth_methods_supported!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
