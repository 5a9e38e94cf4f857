from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.session_token_object import SessionTokenObject, check_session_token_object
from ..types import UNSET, Unset

T = TypeVar("T", bound="SessionToken")


@_attrs_define(repr=False)
class SessionToken:
    """
    Attributes:
        object_ (SessionTokenObject | Unset):
        jwt (str | Unset):
    """

    object_: SessionTokenObject | Unset = UNSET
    jwt: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_: str | Unset = UNSET
        if not isinstance(self.object_, Unset):
            object_ = self.object_

        jwt = self.jwt

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if object_ is not UNSET:
            field_dict["object"] = object_
        if jwt is not UNSET:
            field_dict["jwt"] = jwt

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _object_ = d.pop("object", UNSET)
        object_: SessionTokenObject | Unset
        if isinstance(_object_, Unset):
            object_ = UNSET
        else:
            object_ = check_session_token_object(_object_)

        jwt = d.pop("jwt", UNSET)

        session_token = cls(
            object_=object_,
            jwt=jwt,
        )

        session_token.additional_properties = d
        return session_token

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
            "jwt=<secret>",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
