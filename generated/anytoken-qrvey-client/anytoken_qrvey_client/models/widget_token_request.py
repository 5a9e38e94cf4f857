from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="WidgetTokenRequest")


@_attrs_define(repr=False)
class WidgetTokenRequest:
    """
    Attributes:
        userid (str): ID of the Qrvey Composer user that owns the application.
        appid (str): ID of the Qrvey application.
        clientid (str | Unset): ID of the end customer (tenant) the token is for.
        expires_in (str | Unset): Token lifetime as a duration such as `60m`, `12h` or `1w`. Example: 60m.
    """

    userid: str
    appid: str
    clientid: str | Unset = UNSET
    expires_in: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        userid = self.userid

        appid = self.appid

        clientid = self.clientid

        expires_in = self.expires_in

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "userid": userid,
                "appid": appid,
            }
        )
        if clientid is not UNSET:
            field_dict["clientid"] = clientid
        if expires_in is not UNSET:
            field_dict["expiresIn"] = expires_in

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        userid = d.pop("userid")

        appid = d.pop("appid")

        clientid = d.pop("clientid", UNSET)

        expires_in = d.pop("expiresIn", UNSET)

        widget_token_request = cls(
            userid=userid,
            appid=appid,
            clientid=clientid,
            expires_in=expires_in,
        )

        widget_token_request.additional_properties = d
        return widget_token_request

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
            f"userid={self.userid!r}",
            f"appid={self.appid!r}",
            f"clientid={self.clientid!r}",
            f"expires_in={self.expires_in!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
