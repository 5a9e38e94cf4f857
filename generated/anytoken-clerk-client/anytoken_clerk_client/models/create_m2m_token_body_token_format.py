from typing import Literal

CreateM2MTokenBodyTokenFormat = Literal["jwt", "opaque"]

CREATE_M2M_TOKEN_BODY_TOKEN_FORMAT_VALUES: set[CreateM2MTokenBodyTokenFormat] = {
    "jwt",
    "opaque",
}


def check_create_m2m_token_body_token_format(value: str) -> CreateM2MTokenBodyTokenFormat:
    if value in CREATE_M2M_TOKEN_BODY_TOKEN_FORMAT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CREATE_M2M_TOKEN_BODY_TOKEN_FORMAT_VALUES!r}")
