from typing import Literal

M2MTokenInfoObject = Literal["machine_to_machine_token"]

M2M_TOKEN_INFO_OBJECT_VALUES: set[M2MTokenInfoObject] = {
    "machine_to_machine_token",
}


def check_m2m_token_info_object(value: str) -> M2MTokenInfoObject:
    if value in M2M_TOKEN_INFO_OBJECT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {M2M_TOKEN_INFO_OBJECT_VALUES!r}")
