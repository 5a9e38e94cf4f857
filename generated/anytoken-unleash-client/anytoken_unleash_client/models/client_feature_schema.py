from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.client_feature_schema_dependencies_item import ClientFeatureSchemaDependenciesItem
    from ..models.client_feature_schema_strategies_item import ClientFeatureSchemaStrategiesItem
    from ..models.client_feature_schema_variants_type_0_item import ClientFeatureSchemaVariantsType0Item


T = TypeVar("T", bound="ClientFeatureSchema")


@_attrs_define(repr=False)
class ClientFeatureSchema:
    """Feature flag configuration used by SDKs.

    Attributes:
        name (str):
        enabled (bool):
        type_ (str | Unset):
        description (None | str | Unset):
        stale (bool | Unset):
        impression_data (bool | None | Unset):
        project (str | Unset):
        strategies (list[ClientFeatureSchemaStrategiesItem] | Unset):
        variants (list[ClientFeatureSchemaVariantsType0Item] | None | Unset):
        dependencies (list[ClientFeatureSchemaDependenciesItem] | Unset):
    """

    name: str
    enabled: bool
    type_: str | Unset = UNSET
    description: None | str | Unset = UNSET
    stale: bool | Unset = UNSET
    impression_data: bool | None | Unset = UNSET
    project: str | Unset = UNSET
    strategies: list[ClientFeatureSchemaStrategiesItem] | Unset = UNSET
    variants: list[ClientFeatureSchemaVariantsType0Item] | None | Unset = UNSET
    dependencies: list[ClientFeatureSchemaDependenciesItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        enabled = self.enabled

        type_ = self.type_

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        stale = self.stale

        impression_data: bool | None | Unset
        if isinstance(self.impression_data, Unset):
            impression_data = UNSET
        else:
            impression_data = self.impression_data

        project = self.project

        strategies: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.strategies, Unset):
            strategies = []
            for strategies_item_data in self.strategies:
                strategies_item = strategies_item_data.to_dict()
                strategies.append(strategies_item)

        variants: list[dict[str, Any]] | None | Unset
        if isinstance(self.variants, Unset):
            variants = UNSET
        elif isinstance(self.variants, list):
            variants = []
            for variants_type_0_item_data in self.variants:
                variants_type_0_item = variants_type_0_item_data.to_dict()
                variants.append(variants_type_0_item)

        else:
            variants = self.variants

        dependencies: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.dependencies, Unset):
            dependencies = []
            for dependencies_item_data in self.dependencies:
                dependencies_item = dependencies_item_data.to_dict()
                dependencies.append(dependencies_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "enabled": enabled,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_
        if description is not UNSET:
            field_dict["description"] = description
        if stale is not UNSET:
            field_dict["stale"] = stale
        if impression_data is not UNSET:
            field_dict["impressionData"] = impression_data
        if project is not UNSET:
            field_dict["project"] = project
        if strategies is not UNSET:
            field_dict["strategies"] = strategies
        if variants is not UNSET:
            field_dict["variants"] = variants
        if dependencies is not UNSET:
            field_dict["dependencies"] = dependencies

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.client_feature_schema_dependencies_item import ClientFeatureSchemaDependenciesItem  # noqa: PLC0415
        from ..models.client_feature_schema_strategies_item import ClientFeatureSchemaStrategiesItem  # noqa: PLC0415
        from ..models.client_feature_schema_variants_type_0_item import ClientFeatureSchemaVariantsType0Item  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        enabled = d.pop("enabled")

        type_ = d.pop("type", UNSET)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        stale = d.pop("stale", UNSET)

        def _parse_impression_data(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        impression_data = _parse_impression_data(d.pop("impressionData", UNSET))

        project = d.pop("project", UNSET)

        _strategies = d.pop("strategies", UNSET)
        strategies: list[ClientFeatureSchemaStrategiesItem] | Unset = UNSET
        if _strategies is not UNSET:
            strategies = []
            for strategies_item_data in _strategies:
                strategies_item = ClientFeatureSchemaStrategiesItem.from_dict(strategies_item_data)

                strategies.append(strategies_item)

        def _parse_variants(data: object) -> list[ClientFeatureSchemaVariantsType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                variants_type_0 = []
                _variants_type_0 = data
                for variants_type_0_item_data in _variants_type_0:
                    variants_type_0_item = ClientFeatureSchemaVariantsType0Item.from_dict(variants_type_0_item_data)

                    variants_type_0.append(variants_type_0_item)

                return variants_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ClientFeatureSchemaVariantsType0Item] | None | Unset, data)

        variants = _parse_variants(d.pop("variants", UNSET))

        _dependencies = d.pop("dependencies", UNSET)
        dependencies: list[ClientFeatureSchemaDependenciesItem] | Unset = UNSET
        if _dependencies is not UNSET:
            dependencies = []
            for dependencies_item_data in _dependencies:
                dependencies_item = ClientFeatureSchemaDependenciesItem.from_dict(dependencies_item_data)

                dependencies.append(dependencies_item)

        client_feature_schema = cls(
            name=name,
            enabled=enabled,
            type_=type_,
            description=description,
            stale=stale,
            impression_data=impression_data,
            project=project,
            strategies=strategies,
            variants=variants,
            dependencies=dependencies,
        )

        client_feature_schema.additional_properties = d
        return client_feature_schema

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
            f"name={self.name!r}",
            f"enabled={self.enabled!r}",
            f"type_={self.type_!r}",
            f"description={self.description!r}",
            f"stale={self.stale!r}",
            f"impression_data={self.impression_data!r}",
            f"project={self.project!r}",
            f"strategies={self.strategies!r}",
            f"variants={self.variants!r}",
            f"dependencies={self.dependencies!r}",
        ]
        if self.additional_properties:
            parts.append(f"additional_keys={self.additional_keys!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
