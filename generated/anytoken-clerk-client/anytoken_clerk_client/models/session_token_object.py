from typing import Literal

SessionTokenObject = Literal["token"]

SESSION_TOKEN_OBJECT_VALUES: set[SessionTokenObject] = {
    "token",
}


def check_session_token_object(value: str) -> SessionTokenObject:
    if value in SESSION_TOKEN_OBJECT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SESSION_TOKEN_OBJECT_VALUES!r}")
