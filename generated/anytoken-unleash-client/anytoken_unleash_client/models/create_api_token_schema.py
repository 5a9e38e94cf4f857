from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.create_api_token_schema_type import CreateApiTokenSchemaType, check_create_api_token_schema_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateApiTokenSchema")


@_attrs_define(repr=False)
class CreateApiTokenSchema:
    """The data required to create an Unleash API token. Always send `projects`: Unleash 8.x silently ignores the singular
    `project`.

        Attributes:
            token_name (str): The name of the token. Example: token-64522.
            type_ (CreateApiTokenSchemaType): `backend` (preferred over the deprecated `client`) or `frontend`. `admin` is
                rejected with 400 by Unleash 8.x. Example: backend.
            environment (str | Unset): The environment that the token should be valid for (the server defaults to
                `development`). Example: development.
            projects (list[str] | Unset): The projects the token is valid for (the server defaults to `["*"]`, every
                project). Example: ['project-851', 'project-852'].
            expires_at (datetime.datetime | Unset): The time when this token should expire. Example:
                2023-07-04T11:26:24+02:00.
    """

    token_name: str
    type_: CreateApiTokenSchemaType
    environment: str | Unset = UNSET
    projects: list[str] | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        token_name = self.token_name

        type_: str = self.type_

        environment = self.environment

        projects: list[str] | Unset = UNSET
        if not isinstance(self.projects, Unset):
            projects = self.projects

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
        if projects is not UNSET:
            field_dict["projects"] = projects
        if expires_at is not UNSET:
            field_dict["expiresAt"] = expires_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token_name = d.pop("tokenName")

        type_ = check_create_api_token_schema_type(d.pop("type"))

        environment = d.pop("environment", UNSET)

        projects = cast(list[str], d.pop("projects", UNSET))

        _expires_at = d.pop("expiresAt", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        create_api_token_schema = cls(
            token_name=token_name,
            type_=type_,
            environment=environment,
            projects=projects,
            expires_at=expires_at,
        )

        create_api_token_schema.additional_properties = d
        return create_api_token_schema

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
            f"projects={self.projects!r}",
            f"expires_at={self.expires_at!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
