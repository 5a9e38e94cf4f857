from typing import Literal

PatSchemaExpiryWarning = Literal["expired", "expires-soon"]

PAT_SCHEMA_EXPIRY_WARNING_VALUES: set[PatSchemaExpiryWarning] = {
    "expired",
    "expires-soon",
}


def check_pat_schema_expiry_warning(value: str) -> PatSchemaExpiryWarning:
    if value in PAT_SCHEMA_EXPIRY_WARNING_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PAT_SCHEMA_EXPIRY_WARNING_VALUES!r}")
