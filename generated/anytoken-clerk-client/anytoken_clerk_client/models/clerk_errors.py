from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.clerk_error import ClerkError
    from ..models.clerk_errors_meta import ClerkErrorsMeta


T = TypeVar("T", bound="ClerkErrors")


@_attrs_define(repr=False)
class ClerkErrors:
    """
    Attributes:
        errors (list[ClerkError]):
        meta (ClerkErrorsMeta | Unset):
        clerk_trace_id (str | Unset):
    """

    errors: list[ClerkError]
    meta: ClerkErrorsMeta | Unset = UNSET
    clerk_trace_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        meta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.meta, Unset):
            meta = self.meta.to_dict()

        clerk_trace_id = self.clerk_trace_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "errors": errors,
            }
        )
        if meta is not UNSET:
            field_dict["meta"] = meta
        if clerk_trace_id is not UNSET:
            field_dict["clerk_trace_id"] = clerk_trace_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.clerk_error import ClerkError  # noqa: PLC0415
        from ..models.clerk_errors_meta import ClerkErrorsMeta  # noqa: PLC0415

        d = dict(src_dict)
        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = ClerkError.from_dict(errors_item_data)

            errors.append(errors_item)

        _meta = d.pop("meta", UNSET)
        meta: ClerkErrorsMeta | Unset
        if isinstance(_meta, Unset):
            meta = UNSET
        else:
            meta = ClerkErrorsMeta.from_dict(_meta)

        clerk_trace_id = d.pop("clerk_trace_id", UNSET)

        clerk_errors = cls(
            errors=errors,
            meta=meta,
            clerk_trace_id=clerk_trace_id,
        )

        clerk_errors.additional_properties = d
        return clerk_errors

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
            f"errors={self.errors!r}",
            f"meta={self.meta!r}",
            f"clerk_trace_id={self.clerk_trace_id!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
