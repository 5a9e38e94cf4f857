from typing import Literal

CreateApiTokenSchemaType = Literal["backend", "client", "frontend"]

CREATE_API_TOKEN_SCHEMA_TYPE_VALUES: set[CreateApiTokenSchemaType] = {
    "backend",
    "client",
    "frontend",
}


def check_create_api_token_schema_type(value: str) -> CreateApiTokenSchemaType:
    if value in CREATE_API_TOKEN_SCHEMA_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CREATE_API_TOKEN_SCHEMA_TYPE_VALUES!r}")
