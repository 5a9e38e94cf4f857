from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RevokeM2MTokenBody")


@_attrs_define(repr=False)
class RevokeM2MTokenBody:
    """
    Attributes:
        revocation_reason (None | str | Unset):
    """

    revocation_reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        revocation_reason: None | str | Unset
        if isinstance(self.revocation_reason, Unset):
            revocation_reason = UNSET
        else:
            revocation_reason = self.revocation_reason

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if revocation_reason is not UNSET:
            field_dict["revocation_reason"] = revocation_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_revocation_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        revocation_reason = _parse_revocation_reason(d.pop("revocation_reason", UNSET))

        revoke_m2m_token_body = cls(
            revocation_reason=revocation_reason,
        )

        return revoke_m2m_token_body

    def __repr__(self) -> str:
        parts: list[str] = [
            f"revocation_reason={self.revocation_reason!r}",
        ]
        return f"{type(self).__name__}({', '.join(parts)})"
