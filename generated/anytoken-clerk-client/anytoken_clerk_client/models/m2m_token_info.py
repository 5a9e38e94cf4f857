from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.m2m_token_info_object import M2MTokenInfoObject, check_m2m_token_info_object
from ..types import UNSET, Unset

T = TypeVar("T", bound="M2MTokenInfo")


@_attrs_define(repr=False)
class M2MTokenInfo:
    """A machine-to-machine token without its secret (as returned by revoke and list).

    Attributes:
        object_ (M2MTokenInfoObject):
        id (str):
        subject (str):
        revoked (bool):
        revocation_reason (None | str):
        expired (bool):
        expiration (float | None): The timestamp for when the token will expire, in milliseconds
        last_used_at (float | None): The timestamp for when the token was last used, in milliseconds
        created_at (float): The timestamp for when the token was created, in milliseconds
        updated_at (float): The timestamp for when the token was last updated, in milliseconds
        claims (Any | Unset):
        scopes (list[str] | Unset):
    """

    object_: M2MTokenInfoObject
    id: str
    subject: str
    revoked: bool
    revocation_reason: None | str
    expired: bool
    expiration: float | None
    last_used_at: float | None
    created_at: float
    updated_at: float
    claims: Any | Unset = UNSET
    scopes: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        id = self.id

        subject = self.subject

        revoked = self.revoked

        revocation_reason: None | str
        revocation_reason = self.revocation_reason

        expired = self.expired

        expiration: float | None
        expiration = self.expiration

        last_used_at: float | None
        last_used_at = self.last_used_at

        created_at = self.created_at

        updated_at = self.updated_at

        claims = self.claims

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "object": object_,
                "id": id,
                "subject": subject,
                "revoked": revoked,
                "revocation_reason": revocation_reason,
                "expired": expired,
                "expiration": expiration,
                "last_used_at": last_used_at,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if claims is not UNSET:
            field_dict["claims"] = claims
        if scopes is not UNSET:
            field_dict["scopes"] = scopes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = check_m2m_token_info_object(d.pop("object"))

        id = d.pop("id")

        subject = d.pop("subject")

        revoked = d.pop("revoked")

        def _parse_revocation_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        revocation_reason = _parse_revocation_reason(d.pop("revocation_reason"))

        expired = d.pop("expired")

        def _parse_expiration(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        expiration = _parse_expiration(d.pop("expiration"))

        def _parse_last_used_at(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        last_used_at = _parse_last_used_at(d.pop("last_used_at"))

        created_at = d.pop("created_at")

        updated_at = d.pop("updated_at")

        claims = d.pop("claims", UNSET)

        scopes = cast(list[str], d.pop("scopes", UNSET))

        m2m_token_info = cls(
            object_=object_,
            id=id,
            subject=subject,
            revoked=revoked,
            revocation_reason=revocation_reason,
            expired=expired,
            expiration=expiration,
            last_used_at=last_used_at,
            created_at=created_at,
            updated_at=updated_at,
            claims=claims,
            scopes=scopes,
        )

        return m2m_token_info

    def __repr__(self) -> str:
        parts: list[str] = [
            f"object_={self.object_!r}",
            f"id={self.id!r}",
            f"subject={self.subject!r}",
            f"revoked={self.revoked!r}",
            f"revocation_reason={self.revocation_reason!r}",
            f"expired={self.expired!r}",
            f"expiration={self.expiration!r}",
            f"last_used_at={self.last_used_at!r}",
            f"created_at={self.created_at!r}",
            f"updated_at={self.updated_at!r}",
            f"claims={self.claims!r}",
            f"scopes={self.scopes!r}",
        ]
        return f"{type(self).__name__}({', '.join(parts)})"
