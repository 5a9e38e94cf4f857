from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pat_schema_expiry_warning import PatSchemaExpiryWarning, check_pat_schema_expiry_warning
from ..types import UNSET, Unset

T = TypeVar("T", bound="PatSchema")


@_attrs_define(repr=False)
class PatSchema:
    """A personal access token (PAT), scoped to the authenticated user.

    Attributes:
        id (int): The PAT's ID.
        created_at (datetime.datetime): The date and time of when the PAT was created.
        description (str): The PAT's description.
        expires_at (datetime.datetime): The PAT's expiration date.
        secret (str | Unset): The token used for authentication; returned only on creation. Example:
            user:xyzrandomstring.
        seen_at (datetime.datetime | None | Unset): When the PAT was last used to authenticate. `null` if not used yet.
        user_id (int | Unset): The ID of the user this PAT belongs to.
        expiry_warning (PatSchemaExpiryWarning | Unset): A warning about the expiration of this PAT, absent when there
            is nothing to warn about.
    """

    id: int
    created_at: datetime.datetime
    description: str
    expires_at: datetime.datetime
    secret: str | Unset = UNSET
    seen_at: datetime.datetime | None | Unset = UNSET
    user_id: int | Unset = UNSET
    expiry_warning: PatSchemaExpiryWarning | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        created_at = self.created_at.isoformat()

        description = self.description

        expires_at = self.expires_at.isoformat()

        secret = self.secret

        seen_at: None | str | Unset
        if isinstance(self.seen_at, Unset):
            seen_at = UNSET
        elif isinstance(self.seen_at, datetime.datetime):
            seen_at = self.seen_at.isoformat()
        else:
            seen_at = self.seen_at

        user_id = self.user_id

        expiry_warning: str | Unset = UNSET
        if not isinstance(self.expiry_warning, Unset):
            expiry_warning = self.expiry_warning

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "createdAt": created_at,
                "description": description,
                "expiresAt": expires_at,
            }
        )
        if secret is not UNSET:
            field_dict["secret"] = secret
        if seen_at is not UNSET:
            field_dict["seenAt"] = seen_at
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if expiry_warning is not UNSET:
            field_dict["expiryWarning"] = expiry_warning

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        description = d.pop("description")

        expires_at = datetime.datetime.fromisoformat(d.pop("expiresAt"))

        secret = d.pop("secret", UNSET)

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

        user_id = d.pop("userId", UNSET)

        _expiry_warning = d.pop("expiryWarning", UNSET)
        expiry_warning: PatSchemaExpiryWarning | Unset
        if isinstance(_expiry_warning, Unset):
            expiry_warning = UNSET
        else:
            expiry_warning = check_pat_schema_expiry_warning(_expiry_warning)

        pat_schema = cls(
            id=id,
            created_at=created_at,
            description=description,
            expires_at=expires_at,
            secret=secret,
            seen_at=seen_at,
            user_id=user_id,
            expiry_warning=expiry_warning,
        )

        pat_schema.additional_properties = d
        return pat_schema

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
            f"created_at={self.created_at!r}",
            f"description={self.description!r}",
            f"expires_at={self.expires_at!r}",
            "secret=<secret>",
            f"seen_at={self.seen_at!r}",
            f"user_id={self.user_id!r}",
            f"expiry_warning={self.expiry_warning!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
