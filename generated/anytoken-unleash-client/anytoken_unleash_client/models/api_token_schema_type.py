from typing import Literal

ApiTokenSchemaType = Literal["admin", "backend", "client", "frontend"]

API_TOKEN_SCHEMA_TYPE_VALUES: set[ApiTokenSchemaType] = {
    "admin",
    "backend",
    "client",
    "frontend",
}


def check_api_token_schema_type(value: str) -> ApiTokenSchemaType:
    if value in API_TOKEN_SCHEMA_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {API_TOKEN_SCHEMA_TYPE_VALUES!r}")
