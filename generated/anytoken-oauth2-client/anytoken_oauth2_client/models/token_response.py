from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TokenResponse")


@_attrs_define(repr=False)
class TokenResponse:
    """Successful token response (RFC 6749 §5.1; RFC 8693 §2.2.1 adds issued_token_type).

    Attributes:
        access_token (str):
        token_type (str): Bearer, DPoP, N_A (token exchange of a non-access token) ...; case-insensitive.
        expires_in (int | Unset): Lifetime in seconds (RECOMMENDED).
        refresh_token (str | Unset):
        scope (str | Unset): The granted scope when it differs from the requested one (RFC 6749 §5.1).
        id_token (str | Unset): OpenID Connect ID Token.
        issued_token_type (str | Unset): RFC 8693 §2.2.1.
    """

    access_token: str
    token_type: str
    expires_in: int | Unset = UNSET
    refresh_token: str | Unset = UNSET
    scope: str | Unset = UNSET
    id_token: str | Unset = UNSET
    issued_token_type: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        token_type = self.token_type

        expires_in = self.expires_in

        refresh_token = self.refresh_token

        scope = self.scope

        id_token = self.id_token

        issued_token_type = self.issued_token_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "access_token": access_token,
                "token_type": token_type,
            }
        )
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if refresh_token is not UNSET:
            field_dict["refresh_token"] = refresh_token
        if scope is not UNSET:
            field_dict["scope"] = scope
        if id_token is not UNSET:
            field_dict["id_token"] = id_token
        if issued_token_type is not UNSET:
            field_dict["issued_token_type"] = issued_token_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        access_token = d.pop("access_token")

        token_type = d.pop("token_type")

        expires_in = d.pop("expires_in", UNSET)

        refresh_token = d.pop("refresh_token", UNSET)

        scope = d.pop("scope", UNSET)

        id_token = d.pop("id_token", UNSET)

        issued_token_type = d.pop("issued_token_type", UNSET)

        token_response = cls(
            access_token=access_token,
            token_type=token_type,
            expires_in=expires_in,
            refresh_token=refresh_token,
            scope=scope,
            id_token=id_token,
            issued_token_type=issued_token_type,
        )

        token_response.additional_properties = d
        return token_response

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
            "access_token=<secret>",
            f"token_type={self.token_type!r}",
            f"expires_in={self.expires_in!r}",
            "refresh_token=<secret>",
            f"scope={self.scope!r}",
            "id_token=<secret>",
            f"issued_token_type={self.issued_token_type!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
