from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_actor_token_body_actor import CreateActorTokenBodyActor


T = TypeVar("T", bound="CreateActorTokenBody")


@_attrs_define(repr=False)
class CreateActorTokenBody:
    """
    Attributes:
        user_id (str): The ID of the user being impersonated.
        actor (CreateActorTokenBodyActor): The actor payload; it is also included in the session JWT.
        expires_in_seconds (int | Unset): Lifetime of the actor token in seconds (default 1 hour). Default: 3600.
        session_max_duration_in_seconds (int | Unset): Maximum duration of the session the actor token creates (default
            30 minutes). Default: 1800.
    """

    user_id: str
    actor: CreateActorTokenBodyActor
    expires_in_seconds: int | Unset = 3600
    session_max_duration_in_seconds: int | Unset = 1800

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        actor = self.actor.to_dict()

        expires_in_seconds = self.expires_in_seconds

        session_max_duration_in_seconds = self.session_max_duration_in_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "user_id": user_id,
                "actor": actor,
            }
        )
        if expires_in_seconds is not UNSET:
            field_dict["expires_in_seconds"] = expires_in_seconds
        if session_max_duration_in_seconds is not UNSET:
            field_dict["session_max_duration_in_seconds"] = session_max_duration_in_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_actor_token_body_actor import CreateActorTokenBodyActor  # noqa: PLC0415

        d = dict(src_dict)
        user_id = d.pop("user_id")

        actor = CreateActorTokenBodyActor.from_dict(d.pop("actor"))

        expires_in_seconds = d.pop("expires_in_seconds", UNSET)

        session_max_duration_in_seconds = d.pop("session_max_duration_in_seconds", UNSET)

        create_actor_token_body = cls(
            user_id=user_id,
            actor=actor,
            expires_in_seconds=expires_in_seconds,
            session_max_duration_in_seconds=session_max_duration_in_seconds,
        )

        return create_actor_token_body

    def __repr__(self) -> str:
        parts: list[str] = [
            f"user_id={self.user_id!r}",
            f"actor={self.actor!r}",
            f"expires_in_seconds={self.expires_in_seconds!r}",
            f"session_max_duration_in_seconds={self.session_max_duration_in_seconds!r}",
        ]
        return f"{type(self).__name__}({', '.join(parts)})"
