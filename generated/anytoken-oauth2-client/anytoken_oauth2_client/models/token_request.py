from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TokenRequest")


@_attrs_define(repr=False)
class TokenRequest:
    """A token request; extension parameters of a vendor travel as additional string fields.

    Attributes:
        grant_type (str): client_credentials, refresh_token, urn:ietf:params:oauth:grant-type:jwt-bearer,
            urn:ietf:params:oauth:grant-type:token-exchange, or an extension grant URI.
        scope (str | Unset): Space-delimited scope values (RFC 6749 §3.3).
        audience (str | Unset): The logical name of the target service (RFC 8693 §2.1; also Auth0's API identifier).
        resource (list[str] | Unset): Absolute URIs of the target resources (RFC 8707 §2), one form field each.
        client_id (str | Unset): The client identifier (client_secret_post, none, and with a client assertion).
        client_secret (str | Unset): The client secret (client_secret_post only).
        client_assertion_type (str | Unset): urn:ietf:params:oauth:client-assertion-type:jwt-bearer (RFC 7523 §2.2).
        client_assertion (str | Unset): A signed JWT authenticating the client (RFC 7523 §3, OpenID Connect Core §9).
        assertion (str | Unset): The JWT used as an authorization grant (RFC 7523 §2.1).
        refresh_token (str | Unset): The refresh token (RFC 6749 §6).
        subject_token (str | Unset): The token that represents the subject (RFC 8693 §2.1).
        subject_token_type (str | Unset): A token type URI, e.g. urn:ietf:params:oauth:token-type:access_token (RFC 8693
            §3).
        actor_token (str | Unset): The token that represents the acting party (RFC 8693 §2.1).
        actor_token_type (str | Unset): The type of actor_token (required with it).
        requested_token_type (str | Unset): The type of token wanted (RFC 8693 §2.1).
    """

    grant_type: str
    scope: str | Unset = UNSET
    audience: str | Unset = UNSET
    resource: list[str] | Unset = UNSET
    client_id: str | Unset = UNSET
    client_secret: str | Unset = UNSET
    client_assertion_type: str | Unset = UNSET
    client_assertion: str | Unset = UNSET
    assertion: str | Unset = UNSET
    refresh_token: str | Unset = UNSET
    subject_token: str | Unset = UNSET
    subject_token_type: str | Unset = UNSET
    actor_token: str | Unset = UNSET
    actor_token_type: str | Unset = UNSET
    requested_token_type: str | Unset = UNSET
    additional_properties: dict[str, str] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        grant_type = self.grant_type

        scope = self.scope

        audience = self.audience

        resource: list[str] | Unset = UNSET
        if not isinstance(self.resource, Unset):
            resource = self.resource

        client_id = self.client_id

        client_secret = self.client_secret

        client_assertion_type = self.client_assertion_type

        client_assertion = self.client_assertion

        assertion = self.assertion

        refresh_token = self.refresh_token

        subject_token = self.subject_token

        subject_token_type = self.subject_token_type

        actor_token = self.actor_token

        actor_token_type = self.actor_token_type

        requested_token_type = self.requested_token_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "grant_type": grant_type,
            }
        )
        if scope is not UNSET:
            field_dict["scope"] = scope
        if audience is not UNSET:
            field_dict["audience"] = audience
        if resource is not UNSET:
            field_dict["resource"] = resource
        if client_id is not UNSET:
            field_dict["client_id"] = client_id
        if client_secret is not UNSET:
            field_dict["client_secret"] = client_secret
        if client_assertion_type is not UNSET:
            field_dict["client_assertion_type"] = client_assertion_type
        if client_assertion is not UNSET:
            field_dict["client_assertion"] = client_assertion
        if assertion is not UNSET:
            field_dict["assertion"] = assertion
        if refresh_token is not UNSET:
            field_dict["refresh_token"] = refresh_token
        if subject_token is not UNSET:
            field_dict["subject_token"] = subject_token
        if subject_token_type is not UNSET:
            field_dict["subject_token_type"] = subject_token_type
        if actor_token is not UNSET:
            field_dict["actor_token"] = actor_token
        if actor_token_type is not UNSET:
            field_dict["actor_token_type"] = actor_token_type
        if requested_token_type is not UNSET:
            field_dict["requested_token_type"] = requested_token_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        grant_type = d.pop("grant_type")

        scope = d.pop("scope", UNSET)

        audience = d.pop("audience", UNSET)

        resource = cast(list[str], d.pop("resource", UNSET))

        client_id = d.pop("client_id", UNSET)

        client_secret = d.pop("client_secret", UNSET)

        client_assertion_type = d.pop("client_assertion_type", UNSET)

        client_assertion = d.pop("client_assertion", UNSET)

        assertion = d.pop("assertion", UNSET)

        refresh_token = d.pop("refresh_token", UNSET)

        subject_token = d.pop("subject_token", UNSET)

        subject_token_type = d.pop("subject_token_type", UNSET)

        actor_token = d.pop("actor_token", UNSET)

        actor_token_type = d.pop("actor_token_type", UNSET)

        requested_token_type = d.pop("requested_token_type", UNSET)

        token_request = cls(
            grant_type=grant_type,
            scope=scope,
            audience=audience,
            resource=resource,
            client_id=client_id,
            client_secret=client_secret,
            client_assertion_type=client_assertion_type,
            client_assertion=client_assertion,
            assertion=assertion,
            refresh_token=refresh_token,
            subject_token=subject_token,
            subject_token_type=subject_token_type,
            actor_token=actor_token,
            actor_token_type=actor_token_type,
            requested_token_type=requested_token_type,
        )

        token_request.additional_properties = d
        return token_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> str:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: str) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

    def __repr__(self) -> str:
        parts: list[str] = [
            f"grant_type={self.grant_type!r}",
            f"scope={self.scope!r}",
            f"audience={self.audience!r}",
            f"resource={self.resource!r}",
            f"client_id={self.client_id!r}",
            "client_secret=<secret>",
            f"client_assertion_type={self.client_assertion_type!r}",
            f"client_assertion={self.client_assertion!r}",
            f"assertion={self.assertion!r}",
            "refresh_token=<secret>",
            "subject_token=<secret>",
            f"subject_token_type={self.subject_token_type!r}",
            "actor_token=<secret>",
            f"actor_token_type={self.actor_token_type!r}",
            f"requested_token_type={self.requested_token_type!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
