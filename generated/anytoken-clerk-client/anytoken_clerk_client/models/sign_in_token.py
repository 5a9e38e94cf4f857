from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.sign_in_token_object import SignInTokenObject, check_sign_in_token_object
from ..models.sign_in_token_status import SignInTokenStatus, check_sign_in_token_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="SignInToken")


@_attrs_define(repr=False)
class SignInToken:
    """
    Attributes:
        object_ (SignInTokenObject):
        id (str):
        status (SignInTokenStatus):
        user_id (str):
        created_at (int): Unix timestamp of creation.
        updated_at (int): Unix timestamp of last update.
        token (str | Unset):
        url (None | str | Unset):
    """

    object_: SignInTokenObject
    id: str
    status: SignInTokenStatus
    user_id: str
    created_at: int
    updated_at: int
    token: str | Unset = UNSET
    url: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        id = self.id

        status: str = self.status

        user_id = self.user_id

        created_at = self.created_at

        updated_at = self.updated_at

        token = self.token

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "object": object_,
                "id": id,
                "status": status,
                "user_id": user_id,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if token is not UNSET:
            field_dict["token"] = token
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = check_sign_in_token_object(d.pop("object"))

        id = d.pop("id")

        status = check_sign_in_token_status(d.pop("status"))

        user_id = d.pop("user_id")

        created_at = d.pop("created_at")

        updated_at = d.pop("updated_at")

        token = d.pop("token", UNSET)

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        sign_in_token = cls(
            object_=object_,
            id=id,
            status=status,
            user_id=user_id,
            created_at=created_at,
            updated_at=updated_at,
            token=token,
            url=url,
        )

        return sign_in_token

    def __repr__(self) -> str:
        parts: list[str] = [
            f"object_={self.object_!r}",
            f"id={self.id!r}",
            f"status={self.status!r}",
            f"user_id={self.user_id!r}",
            f"created_at={self.created_at!r}",
            f"updated_at={self.updated_at!r}",
            "token=<secret>",
            f"url={self.url!r}",
        ]
        return f"{type(self).__name__}({', '.join(parts)})"
