from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.client_feature_schema import ClientFeatureSchema
    from ..models.client_features_schema_query import ClientFeaturesSchemaQuery
    from ..models.client_features_schema_segments_item import ClientFeaturesSchemaSegmentsItem


T = TypeVar("T", bound="ClientFeaturesSchema")


@_attrs_define(repr=False)
class ClientFeaturesSchema:
    """Configuration data for backend SDKs. anytoken only needs to know the call succeeded, so strategies, variants,
    segments and the query summary are kept as free-form objects.

        Attributes:
            version (float): The response format version (2 on current servers).
            features (list[ClientFeatureSchema]):
            segments (list[ClientFeaturesSchemaSegmentsItem] | Unset):
            query (ClientFeaturesSchemaQuery | Unset):
    """

    version: float
    features: list[ClientFeatureSchema]
    segments: list[ClientFeaturesSchemaSegmentsItem] | Unset = UNSET
    query: ClientFeaturesSchemaQuery | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        version = self.version

        features = []
        for features_item_data in self.features:
            features_item = features_item_data.to_dict()
            features.append(features_item)

        segments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.segments, Unset):
            segments = []
            for segments_item_data in self.segments:
                segments_item = segments_item_data.to_dict()
                segments.append(segments_item)

        query: dict[str, Any] | Unset = UNSET
        if not isinstance(self.query, Unset):
            query = self.query.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "version": version,
                "features": features,
            }
        )
        if segments is not UNSET:
            field_dict["segments"] = segments
        if query is not UNSET:
            field_dict["query"] = query

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.client_feature_schema import ClientFeatureSchema  # noqa: PLC0415
        from ..models.client_features_schema_query import ClientFeaturesSchemaQuery  # noqa: PLC0415
        from ..models.client_features_schema_segments_item import ClientFeaturesSchemaSegmentsItem  # noqa: PLC0415

        d = dict(src_dict)
        version = d.pop("version")

        features = []
        _features = d.pop("features")
        for features_item_data in _features:
            features_item = ClientFeatureSchema.from_dict(features_item_data)

            features.append(features_item)

        _segments = d.pop("segments", UNSET)
        segments: list[ClientFeaturesSchemaSegmentsItem] | Unset = UNSET
        if _segments is not UNSET:
            segments = []
            for segments_item_data in _segments:
                segments_item = ClientFeaturesSchemaSegmentsItem.from_dict(segments_item_data)

                segments.append(segments_item)

        _query = d.pop("query", UNSET)
        query: ClientFeaturesSchemaQuery | Unset
        if isinstance(_query, Unset):
            query = UNSET
        else:
            query = ClientFeaturesSchemaQuery.from_dict(_query)

        client_features_schema = cls(
            version=version,
            features=features,
            segments=segments,
            query=query,
        )

        client_features_schema.additional_properties = d
        return client_features_schema

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

    def __repr__(self) -> str:
        parts: list[str] = [
            f"version={self.version!r}",
            f"features={self.features!r}",
            f"segments={self.segments!r}",
            f"query={self.query!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
