from typing import Literal

CreateProjectApiTokenSchemaType = Literal["backend", "client", "frontend"]

CREATE_PROJECT_API_TOKEN_SCHEMA_TYPE_VALUES: set[CreateProjectApiTokenSchemaType] = {
    "backend",
    "client",
    "frontend",
}


def check_create_project_api_token_schema_type(value: str) -> CreateProjectApiTokenSchemaType:
    if value in CREATE_PROJECT_API_TOKEN_SCHEMA_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CREATE_PROJECT_API_TOKEN_SCHEMA_TYPE_VALUES!r}")
