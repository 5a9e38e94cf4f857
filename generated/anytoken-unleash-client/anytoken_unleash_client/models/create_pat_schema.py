from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CreatePatSchema")


@_attrs_define(repr=False)
class CreatePatSchema:
    """The properties required to create a personal access token (PAT).

    Attributes:
        description (str): The PAT's description.
        expires_at (datetime.datetime): The PAT's expiration date. Example: 2023-04-19T08:15:14.000Z.
    """

    description: str
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "description": description,
                "expiresAt": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        description = d.pop("description")

        expires_at = datetime.datetime.fromisoformat(d.pop("expiresAt"))

        create_pat_schema = cls(
            description=description,
            expires_at=expires_at,
        )

        create_pat_schema.additional_properties = d
        return create_pat_schema

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
            f"description={self.description!r}",
            f"expires_at={self.expires_at!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
