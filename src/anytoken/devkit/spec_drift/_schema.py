"""Two JSON schemas compared in the direction the data flows.

``$ref`` chains and ``allOf`` are resolved on both sides (with :func:`anytoken.devkit.openapi.deref`'s reference
resolution), so a component renamed upstream but structurally equal is no drift. OpenAPI 3.0's
``nullable: true`` and 3.1's ``type: [..., "null"]`` / ``anyOf: [X, {type: "null"}]`` are one thing: a type
set containing ``"null"``. Descriptions, examples and titles are never compared. Recursive schemas stop when
the same pair of components is met again on the path being compared.

The rule behind every classification: what our client may *send* must be a subset of what upstream
accepts, and what upstream may *return* must be a subset of what our client reads. A violation is breaking;
upstream accepting more is additive; upstream returning less is cosmetic.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any

from anytoken.devkit.openapi import resolve_ref
from anytoken.devkit.spec_drift._findings import ADDITIVE, BREAKING, COSMETIC, SEND, Recorder, join

PARSED_FORMATS = frozenset({"date-time", "date", "uuid", "binary"})
"""Formats openapi-python-client turns into Python types (``datetime``, ``UUID``, ``File``); others are strings."""
CONSTRAINTS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "default",
)
_LOWER_BOUNDS = ("minimum", "minLength", "minItems")
_UPPER_BOUNDS = ("maximum", "maxLength", "maxItems")
_NOT_COMPARED = frozenset({"description", "example", "examples", "title", "externalDocs", "discriminator", "xml", "$comment"})
_COMBINATORS = ("oneOf", "anyOf")
_MAX_REFS = 32
_MAX_SHAPE_DEPTH = 12
_MAX_DEPTH = 64

Types = frozenset[str] | None  # None: any type


# -- normalising ---------------------------------------------------------------------------------------


def flatten(doc: Any, node: Any, seen: frozenset[str] = frozenset()) -> tuple[dict[str, Any], str | None]:
    """``node`` with ``$ref``s followed, ``allOf`` merged and a null alternative folded into ``nullable``.

    Returns the schema and what identifies it for cycle detection: the last reference followed, the
    references an ``allOf`` merges, or ``None`` for an inline schema.
    """
    ref = None
    hops = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < _MAX_REFS:
        ref = node["$ref"]
        if ref in seen:  # an allOf that includes itself
            return {}, ref
        seen, node, hops = seen | {ref}, resolve_ref(doc, ref), hops + 1
    if not isinstance(node, dict):
        return {}, ref
    if isinstance(node.get("allOf"), list):
        members = [m["$ref"] for m in node["allOf"] if isinstance(m, dict) and isinstance(m.get("$ref"), str)]
        ref = ref or (members[0] if len(members) == 1 else "allOf:" + "+".join(members) if members else None)
        node = _merge_all_of(doc, node, seen)
    node, inner_ref = _fold_null_alternative(doc, node, seen)
    return node, ref or inner_ref


def _merge_all_of(doc: Any, node: dict[str, Any], seen: frozenset[str]) -> dict[str, Any]:
    merged = {key: value for key, value in node.items() if key != "allOf"}
    properties: dict[str, Any] = dict(merged.get("properties") or {})
    required: list[str] = list(merged.get("required") or [])
    for member in node["allOf"]:
        flat, _ = flatten(doc, member, seen)
        for name, sub in (flat.get("properties") or {}).items():
            properties[name] = {"allOf": [properties[name], sub]} if name in properties else sub
        required += [name for name in flat.get("required") or [] if name not in required]
        for key, value in flat.items():
            if key not in ("properties", "required"):
                merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _is_null(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "null" or kind == ["null"] or schema.get("enum") == [None]


def _fold_null_alternative(doc: Any, node: dict[str, Any], seen: frozenset[str]) -> tuple[dict[str, Any], str | None]:
    for key in _COMBINATORS:
        members = node.get(key)
        if not isinstance(members, list):
            continue
        flat = [flatten(doc, member, seen) for member in members]
        rest = [member for member, (schema, _) in zip(members, flat, strict=True) if not _is_null(schema)]
        if len(rest) == len(members):
            continue
        siblings = {k: v for k, v in node.items() if k != key}
        if len(rest) == 1:
            inner, ref = flatten(doc, rest[0], seen)
            return {**inner, **siblings, "nullable": True}, ref
        return {**siblings, key: rest, "nullable": True}, None
    return node, None


def type_set(schema: dict[str, Any]) -> Types:
    """The JSON types a schema allows, ``"null"`` included when it is nullable; ``None`` for any type."""
    kind = schema.get("type")
    if isinstance(kind, str):
        types = {kind}
    elif isinstance(kind, list):
        types = {str(k) for k in kind}
    elif "properties" in schema or isinstance(schema.get("additionalProperties"), dict):
        types = {"object"}
    elif "items" in schema:
        types = {"array"}
    else:
        return None
    if schema.get("nullable") is True or None in _enum_values(schema):
        types.add("null")
    return frozenset(types)


def _enum_values(schema: dict[str, Any]) -> list[Any]:
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    return [schema["const"]] if "const" in schema else []


def enum_set(schema: dict[str, Any]) -> frozenset[str] | None:
    """The allowed values (JSON-encoded, ``null`` left to :func:`type_set`), ``None`` when unconstrained."""
    values = [json.dumps(v, sort_keys=True) for v in _enum_values(schema) if v is not None]
    return frozenset(values) if values else None


def types_cover(wide: Types, narrow: Types) -> bool:
    """Whether every value of type ``narrow`` is of type ``wide`` (an integer is a number)."""
    if wide is None:
        return True
    if narrow is None:
        return False
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def values_cover(wide: frozenset[str] | None, narrow: frozenset[str] | None) -> bool:
    if wide is None:
        return True
    return narrow is not None and narrow <= wide


def shape(doc: Any, node: Any, depth: int = 0, seen: frozenset[int] = frozenset()) -> Any:
    """A canonical, comparable form of a schema (names of components and documentation left out)."""
    if depth > _MAX_SHAPE_DEPTH or id(node) in seen:
        return "<recursive>"
    seen = seen | {id(node)}
    flat, _ = flatten(doc, node)
    out: dict[str, Any] = {"type": sorted(type_set(flat) or ["*"])}
    for key, value in flat.items():
        if key in _NOT_COMPARED or key in ("type", "nullable") or key.startswith("x-"):
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: shape(doc, sub, depth + 1, seen) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            out[key] = shape(doc, value, depth + 1, seen)
        elif key in ("oneOf", "anyOf") and isinstance(value, list):
            out[key] = sorted(_canonical(shape(doc, member, depth + 1, seen)) for member in value)
        elif key in ("required", "enum") and isinstance(value, list):
            out[key] = sorted(map(_canonical, value))
        else:
            out[key] = value
    return out


def _tighter(key: str, mine: Any, theirs: Any) -> bool | None:
    """Whether upstream's numeric bound ``key`` excludes values ours allows (``None``: not a comparable bound)."""
    numbers = all(v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in (mine, theirs))
    if key not in _LOWER_BOUNDS + _UPPER_BOUNDS or not numbers:
        return None
    if theirs is None or mine is None:
        return theirs is not None
    return bool(theirs > mine) if key in _LOWER_BOUNDS else bool(theirs < mine)


def _value(schema: dict[str, Any], key: str) -> str:
    return repr(schema[key]) if key in schema else "none"


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _show(values: Collection[str] | None) -> str:
    return "any" if values is None else ", ".join(sorted(values)) or "nothing"


# -- comparing -----------------------------------------------------------------------------------------


class SchemaComparer:
    """Compares schemas of our document with upstream's, recording findings for one operation."""

    def __init__(self, ours: Any, upstream: Any, recorder: Recorder) -> None:
        self.ours_doc, self.upstream_doc, self.rec = ours, upstream, recorder
        self._active: set[tuple[str | int, str | int]] = set()

    def compare(self, ours: Any, upstream: Any, ours_path: str | None, upstream_path: str | None, direction: str) -> None:
        """Compare one schema of ours with upstream's, ``direction`` being :data:`SEND` or :data:`READ`.

        A pair already being compared further up (a recursive schema) is not compared again. A schema is
        identified by its component reference, else by the node itself (nodes on the stack are alive, so
        their ``id`` is theirs); the depth bound is a backstop for nodes synthesised by merging ``allOf``.
        """
        o_flat, o_ref = flatten(self.ours_doc, ours)
        u_flat, u_ref = flatten(self.upstream_doc, upstream)
        key = (o_ref or id(ours), u_ref or id(upstream))
        if key in self._active or len(self._active) >= _MAX_DEPTH:
            return
        self._active.add(key)
        try:
            self._compare_flat(o_flat, u_flat, ours_path, upstream_path, direction)
        finally:
            self._active.discard(key)

    def _compare_flat(self, ours: dict[str, Any], up: dict[str, Any], op: str | None, upp: str | None, d: str) -> None:
        if any(isinstance(s.get(k), list) for s in (ours, up) for k in _COMBINATORS):
            self._alternatives(ours, up, op, upp, d)
            return
        self._types(ours, up, op, upp, d)
        self._enum(ours, up, op, upp, d)
        self._format(ours, up, op, upp, d)
        self._constraints(ours, up, op, upp, d)
        self._object(ours, up, op, upp, d)
        if "items" in ours or "items" in up:
            items = [join(p, "items") if "items" in s else None for p, s in ((op, ours), (upp, up))]
            self.compare(ours.get("items", {}), up.get("items", {}), items[0], items[1], d)

    def _subset(
        self, d: str, kind: str, ours: Any, up: Any, covers: Callable[[Any, Any], bool], paths: tuple[str | None, str | None], what: str
    ) -> None:
        """Breaking when the sender's set is not within the receiver's; additive/cosmetic when strictly within."""
        inner, outer = (ours, up) if d == SEND else (up, ours)
        ok, wider = covers(outer, inner), not covers(inner, outer)
        if ok and not wider:
            return
        if not ok:
            if d == SEND:
                message = f"{what}: we may send {_show(ours)}; upstream accepts {_show(up)}"
            else:
                message = f"{what}: upstream may return {_show(up)}; our client reads {_show(ours)}"
            self.rec.add(BREAKING, kind, message, *paths)
        elif d == SEND:
            self.rec.add(ADDITIVE, kind, f"{what}: upstream accepts {_show(up)}, we send {_show(ours)}", *paths)
        else:
            self.rec.add(COSMETIC, kind, f"{what}: upstream returns {_show(up)}, our client reads {_show(ours)}", *paths)

    def _types(self, ours: dict[str, Any], up: dict[str, Any], op: str | None, upp: str | None, d: str) -> None:
        o_types, u_types = type_set(ours), type_set(up)
        only_null = o_types is not None and u_types is not None and o_types ^ u_types == {"null"}
        kind = "nullable-changed" if only_null else "type-changed"
        self._subset(d, kind, o_types, u_types, types_cover, (op, upp), "type")

    def _enum(self, ours: dict[str, Any], up: dict[str, Any], op: str | None, upp: str | None, d: str) -> None:
        self._subset(d, "enum-changed", enum_set(ours), enum_set(up), values_cover, (join(op, "enum"), join(upp, "enum")), "enum")

    def _format(self, ours: dict[str, Any], up: dict[str, Any], op: str | None, upp: str | None, d: str) -> None:
        mine, theirs = ours.get("format"), up.get("format")
        if mine == theirs:
            return
        paths = (join(op, "format") if mine else op, join(upp, "format") if theirs else upp)
        receiver = theirs if d == SEND else mine
        message = f"format: ours {mine or 'none'}, upstream {theirs or 'none'}"
        if (mine in PARSED_FORMATS or theirs in PARSED_FORMATS) and receiver is not None:
            who = "upstream expects" if d == SEND else "our client parses"
            self.rec.add(BREAKING, "format-changed", f"{message} ({who} {receiver})", *paths)
        else:
            self.rec.add(COSMETIC, "format-changed", message, *paths)

    def _constraints(self, ours: dict[str, Any], up: dict[str, Any], op: str | None, upp: str | None, d: str) -> None:
        """Bounds we send outside of are breaking (the generated client does not check them); the rest cosmetic."""
        for key in CONSTRAINTS:
            if (key in ours or key in up) and _canonical(ours.get(key)) != _canonical(up.get(key)):
                paths = (join(op, key) if key in ours else op, join(upp, key) if key in up else upp)
                message = f"{key}: ours {_value(ours, key)}, upstream {_value(up, key)}"
                tighter = _tighter(key, ours.get(key), up.get(key))
                if d == SEND and tighter is not None:
                    self.rec.add(BREAKING if tighter else ADDITIVE, "bound-changed", message, *paths)
                else:
                    self.rec.add(COSMETIC, "constraint-changed", message, *paths)

    def _object(self, ours: dict[str, Any], up: dict[str, Any], op: str | None, upp: str | None, d: str) -> None:
        o_props: dict[str, Any] = ours.get("properties") or {}
        u_props: dict[str, Any] = up.get("properties") or {}
        described = bool(u_props) or up.get("additionalProperties") is False
        for name, sub in o_props.items():
            o_at = join(op, "properties", name)
            if name in u_props:
                self.compare(sub, u_props[name], o_at, join(upp, "properties", name), d)
            elif described:
                verb = "we send" if d == SEND else "we read"
                self.rec.add(BREAKING, "property-removed", f"property {name!r}: {verb} it; upstream does not declare it", o_at, None)
        if o_props and not described and "object" in (type_set(up) or {"object"}):
            if d == SEND:
                self.rec.add(COSMETIC, "properties-undescribed", "upstream describes no properties (it takes any object)", op, upp)
            else:
                message = f"upstream describes no properties: the {len(o_props)} fields we read are not promised"
                self.rec.add(BREAKING, "properties-undescribed", message, op, upp)
        if o_props or d == SEND:
            self._new_properties(ours, up, op, upp, d)
        self._required(ours, up, op, upp, d)
        self._additional(ours, up, op, upp, d)

    def _new_properties(self, ours: dict[str, Any], up: dict[str, Any], op: str | None, upp: str | None, d: str) -> None:
        o_props, u_props = ours.get("properties") or {}, up.get("properties") or {}
        u_required = set(up.get("required") or [])
        for name in u_props:
            if name in o_props:
                continue
            at = join(upp, "properties", name)
            if d == SEND and name in u_required:
                self.rec.add(BREAKING, "required-added", f"property {name!r}: new and required upstream; we never send it", None, at)
            else:
                self.rec.add(ADDITIVE, "property-added", f"property {name!r}: new upstream (optional)", None, at)

    def _required(self, ours: dict[str, Any], up: dict[str, Any], op: str | None, upp: str | None, d: str) -> None:
        both = (ours.get("properties") or {}).keys() & (up.get("properties") or {}).keys()
        o_req, u_req = set(ours.get("required") or []) & both, set(up.get("required") or []) & both
        paths = (join(op, "required"), join(upp, "required"))
        for name in sorted(u_req - o_req):
            if d == SEND:
                self.rec.add(BREAKING, "required-added", f"property {name!r}: now required upstream; we may omit it", *paths)
            else:
                self.rec.add(COSMETIC, "required-added", f"property {name!r}: always returned upstream; optional for us", *paths)
        for name in sorted(o_req - u_req):
            if d == SEND:
                self.rec.add(ADDITIVE, "required-removed", f"property {name!r}: optional upstream; we always send it", *paths)
            else:
                self.rec.add(BREAKING, "required-removed", f"property {name!r}: upstream may omit it; our client requires it", *paths)

    def _additional(self, ours: dict[str, Any], up: dict[str, Any], op: str | None, upp: str | None, d: str) -> None:
        mine, theirs = ours.get("additionalProperties", True), up.get("additionalProperties", True)
        if isinstance(mine, dict) and isinstance(theirs, dict):
            self.compare(mine, theirs, join(op, "additionalProperties"), join(upp, "additionalProperties"), d)
            return
        if (mine is False) == (theirs is False):
            return
        paths = (join(op, "additionalProperties"), join(upp, "additionalProperties"))
        if d != SEND:
            message = f"additionalProperties: ours {mine}, upstream {theirs} (our client ignores undeclared fields)"
            self.rec.add(COSMETIC, "additional-properties-changed", message, *paths)
        elif theirs is False:
            message = "additionalProperties: upstream rejects undeclared properties; our client may send them"
            self.rec.add(BREAKING, "additional-properties-changed", message, *paths)
        else:
            self.rec.add(ADDITIVE, "additional-properties-changed", "additionalProperties: upstream accepts undeclared properties", *paths)

    def _alternatives(self, ours: dict[str, Any], up: dict[str, Any], op: str | None, upp: str | None, d: str) -> None:
        """``oneOf``/``anyOf`` (a plain schema is one alternative): matched by shape, the rest pairwise."""
        o_alts, u_alts = _alternatives_of(ours, op), _alternatives_of(up, upp)
        o_shapes = [_canonical(shape(self.ours_doc, alt)) for alt, _ in o_alts]
        u_shapes = [_canonical(shape(self.upstream_doc, alt)) for alt, _ in u_alts]
        o_left = [i for i, s in enumerate(o_shapes) if s not in u_shapes]
        u_left = [i for i, s in enumerate(u_shapes) if s not in o_shapes]
        if len(o_left) == len(u_left):
            for i, j in zip(o_left, u_left, strict=True):
                self.compare(o_alts[i][0], u_alts[j][0], o_alts[i][1], u_alts[j][1], d)
            return
        for i in o_left:
            if d == SEND:
                self.rec.add(BREAKING, "alternative-removed", "an alternative we may send is not accepted upstream", o_alts[i][1], upp)
            else:
                self.rec.add(COSMETIC, "alternative-removed", "an alternative we read is not returned upstream", o_alts[i][1], upp)
        for j in u_left:
            if d == SEND:
                self.rec.add(ADDITIVE, "alternative-added", "upstream accepts a new alternative", op, u_alts[j][1])
            else:
                self.rec.add(
                    BREAKING, "alternative-added", "upstream may return a new alternative our client does not read", op, u_alts[j][1]
                )


def _alternatives_of(schema: dict[str, Any], path: str | None) -> list[tuple[Any, str | None]]:
    for key in _COMBINATORS:
        members = schema.get(key)
        if isinstance(members, list):
            return [(member, join(path, key, i)) for i, member in enumerate(members)]
    return [(schema, path)]
