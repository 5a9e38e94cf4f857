from typing import Literal

TestingTokenObject = Literal["testing_token"]

TESTING_TOKEN_OBJECT_VALUES: set[TestingTokenObject] = {
    "testing_token",
}


def check_testing_token_object(value: str) -> TestingTokenObject:
    if value in TESTING_TOKEN_OBJECT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TESTING_TOKEN_OBJECT_VALUES!r}")
