from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.testing_token_object import TestingTokenObject, check_testing_token_object

T = TypeVar("T", bound="TestingToken")


@_attrs_define(repr=False)
class TestingToken:
    """
    Attributes:
        object_ (TestingTokenObject):
        token (str): Pass this value in the `__clerk_testing_token` query parameter of Frontend API requests. Example:
            1713877200-c_2J2MvPu9PnXcuhbPZNao0LOXqK9A7YrnBn0HmIWxy.
        expires_at (int): Unix timestamp of the token's expiration time.
    """

    object_: TestingTokenObject
    token: str
    expires_at: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        token = self.token

        expires_at = self.expires_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "token": token,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = check_testing_token_object(d.pop("object"))

        token = d.pop("token")

        expires_at = d.pop("expires_at")

        testing_token = cls(
            object_=object_,
            token=token,
            expires_at=expires_at,
        )

        testing_token.additional_properties = d
        return testing_token

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
            f"object_={self.object_!r}",
            "token=<secret>",
            f"expires_at={self.expires_at!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
