from typing import Literal

M2MTokenObject = Literal["machine_to_machine_token"]

M2M_TOKEN_OBJECT_VALUES: set[M2MTokenObject] = {
    "machine_to_machine_token",
}


def check_m2m_token_object(value: str) -> M2MTokenObject:
    if value in M2M_TOKEN_OBJECT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {M2M_TOKEN_OBJECT_VALUES!r}")
