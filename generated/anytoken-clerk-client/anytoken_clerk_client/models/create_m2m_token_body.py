from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.create_m2m_token_body_token_format import (
    CreateM2MTokenBodyTokenFormat,
    check_create_m2m_token_body_token_format,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateM2MTokenBody")


@_attrs_define(repr=False)
class CreateM2MTokenBody:
    """
    Attributes:
        token_format (CreateM2MTokenBodyTokenFormat | Unset):  Default: 'opaque'.
        seconds_until_expiration (float | None | Unset):
        claims (Any | Unset):
        min_remaining_ttl_seconds (int | Unset): Enables server-side reuse of an existing opaque token with identical
            claims and scopes and at least this many seconds left. Must be strictly less than the token lifetime (else 400).
            Ignored for JWT-format tokens.
    """

    token_format: CreateM2MTokenBodyTokenFormat | Unset = "opaque"
    seconds_until_expiration: float | None | Unset = UNSET
    claims: Any | Unset = UNSET
    min_remaining_ttl_seconds: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        token_format: str | Unset = UNSET
        if not isinstance(self.token_format, Unset):
            token_format = self.token_format

        seconds_until_expiration: float | None | Unset
        if isinstance(self.seconds_until_expiration, Unset):
            seconds_until_expiration = UNSET
        else:
            seconds_until_expiration = self.seconds_until_expiration

        claims = self.claims

        min_remaining_ttl_seconds = self.min_remaining_ttl_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if token_format is not UNSET:
            field_dict["token_format"] = token_format
        if seconds_until_expiration is not UNSET:
            field_dict["seconds_until_expiration"] = seconds_until_expiration
        if claims is not UNSET:
            field_dict["claims"] = claims
        if min_remaining_ttl_seconds is not UNSET:
            field_dict["min_remaining_ttl_seconds"] = min_remaining_ttl_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _token_format = d.pop("token_format", UNSET)
        token_format: CreateM2MTokenBodyTokenFormat | Unset
        if isinstance(_token_format, Unset):
            token_format = UNSET
        else:
            token_format = check_create_m2m_token_body_token_format(_token_format)

        def _parse_seconds_until_expiration(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        seconds_until_expiration = _parse_seconds_until_expiration(d.pop("seconds_until_expiration", UNSET))

        claims = d.pop("claims", UNSET)

        min_remaining_ttl_seconds = d.pop("min_remaining_ttl_seconds", UNSET)

        create_m2m_token_body = cls(
            token_format=token_format,
            seconds_until_expiration=seconds_until_expiration,
            claims=claims,
            min_remaining_ttl_seconds=min_remaining_ttl_seconds,
        )

        return create_m2m_token_body

    def __repr__(self) -> str:
        parts: list[str] = [
            f"token_format={self.token_format!r}",
            f"seconds_until_expiration={self.seconds_until_expiration!r}",
            f"claims={self.claims!r}",
            f"min_remaining_ttl_seconds={self.min_remaining_ttl_seconds!r}",
        ]
        return f"{type(self).__name__}({', '.join(parts)})"
