from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="IntrospectionResponse")


@_attrs_define(repr=False)
class IntrospectionResponse:
    """RFC 7662 §2.2. `aud` may be a string or an array of strings.

    Attributes:
        active (bool):
        scope (str | Unset):
        client_id (str | Unset):
        username (str | Unset):
        token_type (str | Unset):
        exp (int | Unset):
        iat (int | Unset):
        nbf (int | Unset):
        sub (str | Unset):
        iss (str | Unset):
        jti (str | Unset):
    """

    active: bool
    scope: str | Unset = UNSET
    client_id: str | Unset = UNSET
    username: str | Unset = UNSET
    token_type: str | Unset = UNSET
    exp: int | Unset = UNSET
    iat: int | Unset = UNSET
    nbf: int | Unset = UNSET
    sub: str | Unset = UNSET
    iss: str | Unset = UNSET
    jti: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        scope = self.scope

        client_id = self.client_id

        username = self.username

        token_type = self.token_type

        exp = self.exp

        iat = self.iat

        nbf = self.nbf

        sub = self.sub

        iss = self.iss

        jti = self.jti

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
            }
        )
        if scope is not UNSET:
            field_dict["scope"] = scope
        if client_id is not UNSET:
            field_dict["client_id"] = client_id
        if username is not UNSET:
            field_dict["username"] = username
        if token_type is not UNSET:
            field_dict["token_type"] = token_type
        if exp is not UNSET:
            field_dict["exp"] = exp
        if iat is not UNSET:
            field_dict["iat"] = iat
        if nbf is not UNSET:
            field_dict["nbf"] = nbf
        if sub is not UNSET:
            field_dict["sub"] = sub
        if iss is not UNSET:
            field_dict["iss"] = iss
        if jti is not UNSET:
            field_dict["jti"] = jti

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        scope = d.pop("scope", UNSET)

        client_id = d.pop("client_id", UNSET)

        username = d.pop("username", UNSET)

        token_type = d.pop("token_type", UNSET)

        exp = d.pop("exp", UNSET)

        iat = d.pop("iat", UNSET)

        nbf = d.pop("nbf", UNSET)

        sub = d.pop("sub", UNSET)

        iss = d.pop("iss", UNSET)

        jti = d.pop("jti", UNSET)

        introspection_response = cls(
            active=active,
            scope=scope,
            client_id=client_id,
            username=username,
            token_type=token_type,
            exp=exp,
            iat=iat,
            nbf=nbf,
            sub=sub,
            iss=iss,
            jti=jti,
        )

        introspection_response.additional_properties = d
        return introspection_response

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
            f"active={self.active!r}",
            f"scope={self.scope!r}",
            f"client_id={self.client_id!r}",
            f"username={self.username!r}",
            f"token_type={self.token_type!r}",
            f"exp={self.exp!r}",
            f"iat={self.iat!r}",
            f"nbf={self.nbf!r}",
            f"sub={self.sub!r}",
            f"iss={self.iss!r}",
            f"jti={self.jti!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
