from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.actor_token_object import ActorTokenObject, check_actor_token_object
from ..models.actor_token_status import ActorTokenStatus, check_actor_token_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.actor_token_actor import ActorTokenActor


T = TypeVar("T", bound="ActorToken")


@_attrs_define(repr=False)
class ActorToken:
    """
    Attributes:
        object_ (ActorTokenObject):
        id (str):
        status (ActorTokenStatus):
        user_id (str):
        actor (ActorTokenActor):
        created_at (int): Unix timestamp of creation.
        updated_at (int): Unix timestamp of last update.
        token (str | Unset):
        url (str | Unset):
    """

    object_: ActorTokenObject
    id: str
    status: ActorTokenStatus
    user_id: str
    actor: ActorTokenActor
    created_at: int
    updated_at: int
    token: str | Unset = UNSET
    url: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        id = self.id

        status: str = self.status

        user_id = self.user_id

        actor = self.actor.to_dict()

        created_at = self.created_at

        updated_at = self.updated_at

        token = self.token

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "object": object_,
                "id": id,
                "status": status,
                "user_id": user_id,
                "actor": actor,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if token is not UNSET:
            field_dict["token"] = token
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.actor_token_actor import ActorTokenActor  # noqa: PLC0415

        d = dict(src_dict)
        object_ = check_actor_token_object(d.pop("object"))

        id = d.pop("id")

        status = check_actor_token_status(d.pop("status"))

        user_id = d.pop("user_id")

        actor = ActorTokenActor.from_dict(d.pop("actor"))

        created_at = d.pop("created_at")

        updated_at = d.pop("updated_at")

        token = d.pop("token", UNSET)

        url = d.pop("url", UNSET)

        actor_token = cls(
            object_=object_,
            id=id,
            status=status,
            user_id=user_id,
            actor=actor,
            created_at=created_at,
            updated_at=updated_at,
            token=token,
            url=url,
        )

        return actor_token

    def __repr__(self) -> str:
        parts: list[str] = [
            f"object_={self.object_!r}",
            f"id={self.id!r}",
            f"status={self.status!r}",
            f"user_id={self.user_id!r}",
            f"actor={self.actor!r}",
            f"created_at={self.created_at!r}",
            f"updated_at={self.updated_at!r}",
            "token=<secret>",
            f"url={self.url!r}",
        ]
        return f"{type(self).__name__}({', '.join(parts)})"
