from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.create_project_api_token_schema_type import (
    CreateProjectApiTokenSchemaType,
    check_create_project_api_token_schema_type,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateProjectApiTokenSchema")


@_attrs_define(repr=False)
class CreateProjectApiTokenSchema:
    """The data required to create a project API token.

    Attributes:
        token_name (str): A unique name for this particular token Example: some-user.
        type_ (CreateProjectApiTokenSchemaType): `backend` (preferred over the deprecated `client`) or `frontend`.
            Example: backend.
        environment (str | Unset): The environment that the token should be valid for. Example: development.
        expires_at (datetime.datetime | Unset): The date and time when the token should expire. Example:
            2023-10-01T00:00:00Z.
    """

    token_name: str
    type_: CreateProjectApiTokenSchemaType
    environment: str | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        token_name = self.token_name

        type_: str = self.type_

        environment = self.environment

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tokenName": token_name,
                "type": type_,
            }
        )
        if environment is not UNSET:
            field_dict["environment"] = environment
        if expires_at is not UNSET:
            field_dict["expiresAt"] = expires_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token_name = d.pop("tokenName")

        type_ = check_create_project_api_token_schema_type(d.pop("type"))

        environment = d.pop("environment", UNSET)

        _expires_at = d.pop("expiresAt", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        create_project_api_token_schema = cls(
            token_name=token_name,
            type_=type_,
            environment=environment,
            expires_at=expires_at,
        )

        create_project_api_token_schema.additional_properties = d
        return create_project_api_token_schema

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
            f"token_name={self.token_name!r}",
            f"type_={self.type_!r}",
            f"environment={self.environment!r}",
            f"expires_at={self.expires_at!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
