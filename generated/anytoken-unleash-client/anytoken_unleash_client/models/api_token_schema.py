from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.api_token_schema_type import ApiTokenSchemaType, check_api_token_schema_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="ApiTokenSchema")


@_attrs_define(repr=False)
class ApiTokenSchema:
    """An overview of an Unleash API token.

    Attributes:
        token_name (str): A unique name for this particular token
        type_ (ApiTokenSchemaType): The type of API token
        projects (list[str]): The projects this token has access to; `["*"]` means every project.
        created_at (datetime.datetime): When the token was created.
        secret (None | str | Unset): The token used for authentication. Example: *:development.0123456789abcdef.
        environment (str | Unset): The environment the token has access to. Default: 'development'.
        project (str | Unset): The project this token belongs to.
        expires_at (datetime.datetime | None | Unset): The token's expiration date. NULL if the token doesn't have an
            expiration set.
        seen_at (datetime.datetime | None | Unset): When the token was last used to authenticate. NULL if never used.
        alias (None | str | Unset): A legacy alias (old proxy tokens); usually NULL.
        secure (bool | None | Unset): True if using the new api token format.
    """

    token_name: str
    type_: ApiTokenSchemaType
    projects: list[str]
    created_at: datetime.datetime
    secret: None | str | Unset = UNSET
    environment: str | Unset = "development"
    project: str | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    seen_at: datetime.datetime | None | Unset = UNSET
    alias: None | str | Unset = UNSET
    secure: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        token_name = self.token_name

        type_: str = self.type_

        projects = self.projects

        created_at = self.created_at.isoformat()

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret

        environment = self.environment

        project = self.project

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        seen_at: None | str | Unset
        if isinstance(self.seen_at, Unset):
            seen_at = UNSET
        elif isinstance(self.seen_at, datetime.datetime):
            seen_at = self.seen_at.isoformat()
        else:
            seen_at = self.seen_at

        alias: None | str | Unset
        if isinstance(self.alias, Unset):
            alias = UNSET
        else:
            alias = self.alias

        secure: bool | None | Unset
        if isinstance(self.secure, Unset):
            secure = UNSET
        else:
            secure = self.secure

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "tokenName": token_name,
                "type": type_,
                "projects": projects,
                "createdAt": created_at,
            }
        )
        if secret is not UNSET:
            field_dict["secret"] = secret
        if environment is not UNSET:
            field_dict["environment"] = environment
        if project is not UNSET:
            field_dict["project"] = project
        if expires_at is not UNSET:
            field_dict["expiresAt"] = expires_at
        if seen_at is not UNSET:
            field_dict["seenAt"] = seen_at
        if alias is not UNSET:
            field_dict["alias"] = alias
        if secure is not UNSET:
            field_dict["secure"] = secure

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token_name = d.pop("tokenName")

        type_ = check_api_token_schema_type(d.pop("type"))

        projects = cast(list[str], d.pop("projects"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))

        environment = d.pop("environment", UNSET)

        project = d.pop("project", UNSET)

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expiresAt", UNSET))

        def _parse_seen_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                seen_at_type_0 = datetime.datetime.fromisoformat(data)

                return seen_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        seen_at = _parse_seen_at(d.pop("seenAt", UNSET))

        def _parse_alias(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        alias = _parse_alias(d.pop("alias", UNSET))

        def _parse_secure(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        secure = _parse_secure(d.pop("secure", UNSET))

        api_token_schema = cls(
            token_name=token_name,
            type_=type_,
            projects=projects,
            created_at=created_at,
            secret=secret,
            environment=environment,
            project=project,
            expires_at=expires_at,
            seen_at=seen_at,
            alias=alias,
            secure=secure,
        )

        return api_token_schema

    def __repr__(self) -> str:
        parts: list[str] = [
            f"token_name={self.token_name!r}",
            f"type_={self.type_!r}",
            f"projects={self.projects!r}",
            f"created_at={self.created_at!r}",
            "secret=<secret>",
            f"environment={self.environment!r}",
            f"project={self.project!r}",
            f"expires_at={self.expires_at!r}",
            f"seen_at={self.seen_at!r}",
            f"alias={self.alias!r}",
            f"secure={self.secure!r}",
        ]
        return f"{type(self).__name__}({', '.join(parts)})"
