from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.clerk_error_meta import ClerkErrorMeta


T = TypeVar("T", bound="ClerkError")


@_attrs_define(repr=False)
class ClerkError:
    """
    Attributes:
        message (str):
        long_message (str):
        code (str):
        meta (ClerkErrorMeta | Unset):
    """

    message: str
    long_message: str
    code: str
    meta: ClerkErrorMeta | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        long_message = self.long_message

        code = self.code

        meta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.meta, Unset):
            meta = self.meta.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "long_message": long_message,
                "code": code,
            }
        )
        if meta is not UNSET:
            field_dict["meta"] = meta

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.clerk_error_meta import ClerkErrorMeta  # noqa: PLC0415

        d = dict(src_dict)
        message = d.pop("message")

        long_message = d.pop("long_message")

        code = d.pop("code")

        _meta = d.pop("meta", UNSET)
        meta: ClerkErrorMeta | Unset
        if isinstance(_meta, Unset):
            meta = UNSET
        else:
            meta = ClerkErrorMeta.from_dict(_meta)

        clerk_error = cls(
            message=message,
            long_message=long_message,
            code=code,
            meta=meta,
        )

        clerk_error.additional_properties = d
        return clerk_error

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
            f"message={self.message!r}",
            f"long_message={self.long_message!r}",
            f"code={self.code!r}",
            f"meta={self.meta!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
