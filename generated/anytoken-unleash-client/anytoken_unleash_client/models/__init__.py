"""Contains all the data models used in inputs/outputs"""

from .api_token_schema import ApiTokenSchema
from .api_token_schema_type import ApiTokenSchemaType
from .client_feature_schema import ClientFeatureSchema
from .client_feature_schema_dependencies_item import ClientFeatureSchemaDependenciesItem
from .client_feature_schema_strategies_item import ClientFeatureSchemaStrategiesItem
from .client_feature_schema_variants_type_0_item import ClientFeatureSchemaVariantsType0Item
from .client_features_schema import ClientFeaturesSchema
from .client_features_schema_query import ClientFeaturesSchemaQuery
from .client_features_schema_segments_item import ClientFeaturesSchemaSegmentsItem
from .create_api_token_schema import CreateApiTokenSchema
from .create_api_token_schema_type import CreateApiTokenSchemaType
from .create_pat_schema import CreatePatSchema
from .create_project_api_token_schema import CreateProjectApiTokenSchema
from .create_project_api_token_schema_type import CreateProjectApiTokenSchemaType
from .error_schema import ErrorSchema
from .error_schema_details_item import ErrorSchemaDetailsItem
from .pat_schema import PatSchema
from .pat_schema_expiry_warning import PatSchemaExpiryWarning

__all__ = (
    "ApiTokenSchema",
    "ApiTokenSchemaType",
    "ClientFeatureSchema",
    "ClientFeatureSchemaDependenciesItem",
    "ClientFeatureSchemaStrategiesItem",
    "ClientFeatureSchemaVariantsType0Item",
    "ClientFeaturesSchema",
    "ClientFeaturesSchemaQuery",
    "ClientFeaturesSchemaSegmentsItem",
    "CreateApiTokenSchema",
    "CreateApiTokenSchemaType",
    "CreatePatSchema",
    "CreateProjectApiTokenSchema",
    "CreateProjectApiTokenSchemaType",
    "ErrorSchema",
    "ErrorSchemaDetailsItem",
    "PatSchema",
    "PatSchemaExpiryWarning",
)
