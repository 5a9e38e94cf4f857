from typing import Literal

ActorTokenStatus = Literal["accepted", "pending", "revoked"]

ACTOR_TOKEN_STATUS_VALUES: set[ActorTokenStatus] = {
    "accepted",
    "pending",
    "revoked",
}


def check_actor_token_status(value: str) -> ActorTokenStatus:
    if value in ACTOR_TOKEN_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ACTOR_TOKEN_STATUS_VALUES!r}")
