from typing import Literal

SignInTokenObject = Literal["sign_in_token"]

SIGN_IN_TOKEN_OBJECT_VALUES: set[SignInTokenObject] = {
    "sign_in_token",
}


def check_sign_in_token_object(value: str) -> SignInTokenObject:
    if value in SIGN_IN_TOKEN_OBJECT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SIGN_IN_TOKEN_OBJECT_VALUES!r}")
