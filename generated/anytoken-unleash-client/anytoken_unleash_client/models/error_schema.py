from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_schema_details_item import ErrorSchemaDetailsItem


T = TypeVar("T", bound="ErrorSchema")


@_attrs_define(repr=False)
class ErrorSchema:
    """An Unleash error body.

    Attributes:
        id (str | Unset): The ID of the error instance Example: 9c40958a-daac-400e-98fb-3bb438567008.
        name (str | Unset): The name of the error kind Example: ValidationError.
        message (str | Unset): A description of what went wrong.
        details (list[ErrorSchemaDetailsItem] | Unset): Per-field validation problems, when there are any.
    """

    id: str | Unset = UNSET
    name: str | Unset = UNSET
    message: str | Unset = UNSET
    details: list[ErrorSchemaDetailsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        message = self.message

        details: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = []
            for details_item_data in self.details:
                details_item = details_item_data.to_dict()
                details.append(details_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if message is not UNSET:
            field_dict["message"] = message
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_schema_details_item import ErrorSchemaDetailsItem  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id", UNSET)

        name = d.pop("name", UNSET)

        message = d.pop("message", UNSET)

        _details = d.pop("details", UNSET)
        details: list[ErrorSchemaDetailsItem] | Unset = UNSET
        if _details is not UNSET:
            details = []
            for details_item_data in _details:
                details_item = ErrorSchemaDetailsItem.from_dict(details_item_data)

                details.append(details_item)

        error_schema = cls(
            id=id,
            name=name,
            message=message,
            details=details,
        )

        error_schema.additional_properties = d
        return error_schema

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
            f"name={self.name!r}",
            f"message={self.message!r}",
            f"details={self.details!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
