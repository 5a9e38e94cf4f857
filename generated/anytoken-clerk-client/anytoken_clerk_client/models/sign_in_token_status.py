from typing import Literal

SignInTokenStatus = Literal["accepted", "pending", "revoked"]

SIGN_IN_TOKEN_STATUS_VALUES: set[SignInTokenStatus] = {
    "accepted",
    "pending",
    "revoked",
}


def check_sign_in_token_status(value: str) -> SignInTokenStatus:
    if value in SIGN_IN_TOKEN_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SIGN_IN_TOKEN_STATUS_VALUES!r}")
