from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TelephonyCredentialCreateRequest")


@_attrs_define(repr=False)
class TelephonyCredentialCreateRequest:
    """
    Attributes:
        connection_id (str): Identifies the Credential Connection this credential is associated with. Example:
            1234567890.
        name (str | Unset):
        tag (str | Unset): Tags a credential. A single tag can hold at maximum 1000 credentials. Example: some_tag.
        expires_at (str | Unset): ISO-8601 formatted date indicating when the credential will expire. Example:
            2018-02-02T22:25:27.521Z.
    """

    connection_id: str
    name: str | Unset = UNSET
    tag: str | Unset = UNSET
    expires_at: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        connection_id = self.connection_id

        name = self.name

        tag = self.tag

        expires_at = self.expires_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "connection_id": connection_id,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if tag is not UNSET:
            field_dict["tag"] = tag
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        connection_id = d.pop("connection_id")

        name = d.pop("name", UNSET)

        tag = d.pop("tag", UNSET)

        expires_at = d.pop("expires_at", UNSET)

        telephony_credential_create_request = cls(
            connection_id=connection_id,
            name=name,
            tag=tag,
            expires_at=expires_at,
        )

        telephony_credential_create_request.additional_properties = d
        return telephony_credential_create_request

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
            f"connection_id={self.connection_id!r}",
            f"name={self.name!r}",
            f"tag={self.tag!r}",
            f"expires_at={self.expires_at!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
