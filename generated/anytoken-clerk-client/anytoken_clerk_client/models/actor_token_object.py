from typing import Literal

ActorTokenObject = Literal["actor_token"]

ACTOR_TOKEN_OBJECT_VALUES: set[ActorTokenObject] = {
    "actor_token",
}


def check_actor_token_object(value: str) -> ActorTokenObject:
    if value in ACTOR_TOKEN_OBJECT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ACTOR_TOKEN_OBJECT_VALUES!r}")
