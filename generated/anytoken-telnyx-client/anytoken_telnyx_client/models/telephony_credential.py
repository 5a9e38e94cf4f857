from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TelephonyCredential")


@_attrs_define(repr=False)
class TelephonyCredential:
    """An On-demand Credential.

    Attributes:
        id (str | Unset): Identifies the resource. Example: c215ade3-0d39-418e-94be-c5f780760199.
        record_type (str | Unset): Identifies the type of the resource. Example: credential.
        name (str | Unset):
        resource_id (str | Unset): Identifies the resource this credential is associated with. Example:
            connection:1234567890.
        expired (bool | Unset): Defaults to false
        sip_username (str | Unset): The randomly generated SIP username for the credential.
        sip_password (str | Unset): The randomly generated SIP password for the credential.
        created_at (str | Unset): ISO-8601 formatted date indicating when the resource was created.
        updated_at (str | Unset): ISO-8601 formatted date indicating when the resource was updated.
        user_id (str | Unset): Identifies the user this credential is associated with.
        expires_at (str | Unset): ISO-8601 formatted date indicating when the resource will expire.
    """

    id: str | Unset = UNSET
    record_type: str | Unset = UNSET
    name: str | Unset = UNSET
    resource_id: str | Unset = UNSET
    expired: bool | Unset = UNSET
    sip_username: str | Unset = UNSET
    sip_password: str | Unset = UNSET
    created_at: str | Unset = UNSET
    updated_at: str | Unset = UNSET
    user_id: str | Unset = UNSET
    expires_at: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        record_type = self.record_type

        name = self.name

        resource_id = self.resource_id

        expired = self.expired

        sip_username = self.sip_username

        sip_password = self.sip_password

        created_at = self.created_at

        updated_at = self.updated_at

        user_id = self.user_id

        expires_at = self.expires_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if record_type is not UNSET:
            field_dict["record_type"] = record_type
        if name is not UNSET:
            field_dict["name"] = name
        if resource_id is not UNSET:
            field_dict["resource_id"] = resource_id
        if expired is not UNSET:
            field_dict["expired"] = expired
        if sip_username is not UNSET:
            field_dict["sip_username"] = sip_username
        if sip_password is not UNSET:
            field_dict["sip_password"] = sip_password
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        record_type = d.pop("record_type", UNSET)

        name = d.pop("name", UNSET)

        resource_id = d.pop("resource_id", UNSET)

        expired = d.pop("expired", UNSET)

        sip_username = d.pop("sip_username", UNSET)

        sip_password = d.pop("sip_password", UNSET)

        created_at = d.pop("created_at", UNSET)

        updated_at = d.pop("updated_at", UNSET)

        user_id = d.pop("user_id", UNSET)

        expires_at = d.pop("expires_at", UNSET)

        telephony_credential = cls(
            id=id,
            record_type=record_type,
            name=name,
            resource_id=resource_id,
            expired=expired,
            sip_username=sip_username,
            sip_password=sip_password,
            created_at=created_at,
            updated_at=updated_at,
            user_id=user_id,
            expires_at=expires_at,
        )

        telephony_credential.additional_properties = d
        return telephony_credential

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
            f"id={self.id!r}",
            f"record_type={self.record_type!r}",
            f"name={self.name!r}",
            f"resource_id={self.resource_id!r}",
            f"expired={self.expired!r}",
            f"sip_username={self.sip_username!r}",
            "sip_password=<secret>",
            f"created_at={self.created_at!r}",
            f"updated_at={self.updated_at!r}",
            f"user_id={self.user_id!r}",
            f"expires_at={self.expires_at!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
