"""Reading JSON schemas of a spec: ``$ref``/``allOf`` merged, samples, fields, and the typed declaration
(anytoken ``Param`` type, choices, a compact validation schema) of a parameter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from anytoken.devkit.openapi import deref

#: schema keys the core's validator (anytoken.declarations.schema_problems) reads
_SCHEMA_KEYS = ("type", "enum", "minimum", "maximum")
SAMPLE_UUID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
MISSING_UUID = "ffffffff-ffff-4fff-bfff-ffffffffffff"


def merged(doc: Any, schema: Any, depth: int = 0) -> dict[str, Any]:
    """The schema with ``$ref`` followed and ``allOf`` members merged (properties and required)."""
    schema = deref(doc, schema)
    if not isinstance(schema, dict):
        return {}
    if "allOf" not in schema or depth > 8:
        return schema
    out: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    props: dict[str, Any] = dict(out.get("properties", {}))
    required: list[str] = list(out.get("required", []))
    for member in schema["allOf"]:
        m = merged(doc, member, depth + 1)
        props.update(m.get("properties", {}))
        required.extend(r for r in m.get("required", []) if r not in required)
        for key in ("type", "description", "enum", "items", "format"):
            if key in m and key not in out:
                out[key] = m[key]
    out["properties"] = props
    out["required"] = required
    return out


def first_variant(doc: Any, schema: dict[str, Any]) -> dict[str, Any]:
    for key in ("oneOf", "anyOf"):
        variants = schema.get(key)
        if isinstance(variants, list) and variants:
            non_null = [v for v in variants if merged(doc, v).get("type") != "null"]
            return merged(doc, (non_null or variants)[0])
    return schema


def resolved(doc: Any, schema: Any) -> dict[str, Any]:
    return first_variant(doc, merged(doc, schema))


def schema_type(schema: dict[str, Any]) -> str | None:
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    return t if isinstance(t, str) else None


def sample(doc: Any, schema: Any, depth: int = 0, *, full: bool = False) -> Any:
    """A value valid for ``schema``, for the sandbox and the examples: required properties only, or every
    property when ``full`` (a success answer carries the documented fields, which become token metadata)."""
    s = resolved(doc, schema)
    if depth > 6:
        return None
    for key in ("example", "default"):
        if key in s and s[key] is not None:
            return s[key]
    if isinstance(s.get("enum"), list) and s["enum"]:
        return s["enum"][0]
    t = schema_type(s) or ("object" if "properties" in s else None)
    if t == "object":
        props = s.get("properties", {})
        names = list(props) if full and depth < 3 else [n for n in s.get("required", []) if n in props]
        return {name: sample(doc, props[name], depth + 1, full=full) for name in names}
    if t == "array":
        n = max(int(s.get("minItems", 0) or 0), 1 if depth == 0 else 0)
        return [sample(doc, s.get("items", {}), depth + 1, full=full) for _ in range(min(n, 3))]
    if t == "string":
        return {
            "date-time": "2030-01-01T00:00:00Z",
            "date": "2030-01-01",
            "uuid": SAMPLE_UUID,
            "uri": "https://example.com/",
            "url": "https://example.com/",
            "email": "user@example.com",
        }.get(str(s.get("format")), "example")
    if t == "integer":
        return max(int(s.get("minimum", 1) or 1), 1)
    if t == "number":
        return float(max(s.get("minimum", 1) or 1, 1))
    if t == "boolean":
        return True
    return None


def path_example(doc: Any, name: str, schema: Any) -> tuple[Any, Any]:
    """(an id that exists, one that does not) for a path parameter, typed from its schema."""
    s = resolved(doc, schema)
    t, fmt = schema_type(s), s.get("format")
    if t == "integer":
        low = int(s.get("minimum", 1) or 1)
        return (s["example"] if isinstance(s.get("example"), int) else max(low, 1) + 41), 987654321
    if t == "number":
        return 42.0, 987654321.0
    if fmt == "uuid":
        return (s["example"] if isinstance(s.get("example"), str) else SAMPLE_UUID), MISSING_UUID
    if isinstance(s.get("enum"), list) and s["enum"]:
        return s["enum"][0], "does-not-exist"
    example = s.get("example")
    return (example if isinstance(example, str) and example else f"example-{name.replace('_', '-')}"), "does-not-exist"


def iter_fields(doc: Any, schema: Any, prefix: str = "", depth: int = 0) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(dotted.path, schema)`` of every property, breadth-first order within an object."""
    s = resolved(doc, schema)
    if depth > 4 or not isinstance(s.get("properties"), dict):
        return
    nested: list[tuple[str, Any]] = []
    for name, prop in s["properties"].items():
        p = resolved(doc, prop)
        path = f"{prefix}{name}"
        yield path, p
        if schema_type(p) == "object" or "properties" in p:
            nested.append((path, prop))
    for path, prop in nested:
        yield from iter_fields(doc, prop, f"{path}.", depth + 1)


def compact(doc: Any, schema: Any, depth: int = 0) -> dict[str, Any]:
    """The schema reduced to what ``anytoken.declarations.schema_problems`` checks ($refs resolved)."""
    s = resolved(doc, schema)
    out: dict[str, Any] = {k: s[k] for k in _SCHEMA_KEYS if k in s and s[k] is not None}
    if isinstance(out.get("type"), list):
        out["type"] = [t for t in out["type"] if isinstance(t, str)]
    if s.get("nullable") is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    if depth > 5:
        return out
    props = s.get("properties")
    if isinstance(props, dict) and props:
        out["properties"] = {str(k): compact(doc, v, depth + 1) for k, v in props.items()}
        if s.get("required"):
            out["required"] = [str(r) for r in s["required"]]
    extra = s.get("additionalProperties")
    if extra is False:
        out["additionalProperties"] = False
    elif isinstance(extra, dict) and extra:
        out["additionalProperties"] = compact(doc, extra, depth + 1)
    if isinstance(s.get("items"), dict):
        out["items"] = compact(doc, s["items"], depth + 1)
    return out


def param_type(doc: Any, s: dict[str, Any]) -> tuple[str, tuple[Any, ...] | None, dict[str, Any] | None]:
    """(anytoken ParamType, choices, validation schema) of a resolved schema."""
    t = schema_type(s)
    enum = s.get("enum")
    choices = tuple(e for e in enum if e is not None) if isinstance(enum, list) and enum else None
    if t in ("string", "integer", "number", "boolean"):
        ptype = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}[t]
        return ptype, choices if ptype in ("str", "int") else None, None
    if t == "array":
        items = resolved(doc, s.get("items", {}))
        it = schema_type(items)
        item_enum = items.get("enum")
        item_choices = tuple(item_enum) if isinstance(item_enum, list) and item_enum else None
        if it in ("string", "integer", "number") and not (it == "string" and items.get("format") == "date-time"):
            return {"string": "str_list", "integer": "int_list", "number": "float_list"}[it], item_choices, None
        return "json", None, compact(doc, s)
    if t == "object" or "properties" in s or "additionalProperties" in s:
        return "object", None, compact(doc, s)
    return "json", None, (compact(doc, s) or None)
