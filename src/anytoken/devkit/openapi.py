"""Reading, slicing, repairing and writing OpenAPI documents: the one implementation.

Used by ``anytoken new-plugin`` (``anytoken.devkit.scaffold``) and by the repository's ``scripts/slice_spec.py`` and
``scripts/regenerate.py`` (through ``scripts/_pipeline``), so that an installed anytoken, which has no
``scripts/``, slices exactly as the repository does::

    doc = read_document("upstream.yaml")                        # path or http(s) URL, YAML or JSON
    ops = select_operations(doc, ["createToken", "POST /sessions/{id}/tokens"], "upstream.yaml")
    sliced = slice_document(doc, ops)                           # + every component they reference
    changes = apply_fixups(sliced, ["enum-case-duplicates"])    # declared repairs, one line per change
    text = dump_yaml(sliced, ["Sliced from upstream.yaml."])

Nothing here is imported by the token-minting runtime, and PyYAML is imported only when YAML is read or
written (the core does not depend on it): without it, YAML is read with ruamel.yaml (which comes with
openapi-python-client) and written as JSON, which is valid YAML. Every problem the user can fix is a
:class:`SpecError` with a one-line message.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import functools
import importlib
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "FIXUPS",
    "HTTP_METHODS",
    "Fixup",
    "Operation",
    "SpecError",
    "apply_fixups",
    "as_json",
    "deref",
    "dump_yaml",
    "enum_case_duplicates",
    "iter_operations",
    "iter_refs",
    "load_yaml",
    "operation_roots",
    "read_document",
    "ref_closure",
    "required_only_combinators",
    "resolve_ref",
    "select_operations",
    "slice_document",
    "split_pointer",
]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_METHOD_PATH = re.compile(rf"^\s*({'|'.join(HTTP_METHODS)})\s+(/\S*)\s*$", re.IGNORECASE)
_TOP_LEVEL = ("openapi", "info", "jsonSchemaDialect", "servers", "security")
_PATH_ITEM_SHARED = ("summary", "description", "servers", "parameters")
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class SpecError(Exception):
    """A document that cannot be read, selected from or sliced. ``str()`` is a one-line message."""


# -- reading and writing ------------------------------------------------------------------------------


def read_document(source: str | Path) -> dict[str, Any]:
    """Read an OpenAPI 3.x document from a path or an http(s) URL (YAML or JSON)."""
    name = str(source)
    if isinstance(source, str) and re.match(r"^https?://", source):
        try:
            with urllib.request.urlopen(source, timeout=60) as response:
                text = response.read().decode("utf-8")
        except (urllib.error.URLError, TimeoutError, UnicodeDecodeError) as exc:
            raise SpecError(f"cannot download spec {name!r}: {exc}") from None
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SpecError(f"spec {name!r} not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SpecError(f"cannot read spec {name!r}: {getattr(exc, 'strerror', None) or exc}") from None
    doc = load_yaml(text, name)
    if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
        raise SpecError(f"{name}: not an OpenAPI document (no 'paths' mapping)")
    version = str(doc.get("openapi", ""))
    if not version.startswith("3."):
        found = f"'openapi: {version}'" if version else ("Swagger 2.0" if "swagger" in doc else "no 'openapi' version")
        raise SpecError(f"{name}: an OpenAPI 3.0/3.1 document is needed, found {found}")
    return doc


def load_yaml(text: str, source: str) -> Any:
    """Parse YAML (or JSON) text; YAML dates stay strings. Errors name ``source`` and the line.

    A JSON object is read with :mod:`json` (much faster than any YAML loader); YAML with PyYAML's C loader
    when it is built, else its Python loader, else ruamel.yaml.
    """
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except ValueError as exc:
            json_error = exc  # maybe a YAML flow mapping: try YAML, report the JSON error if that fails too
        try:
            return _load_yaml(text, source)
        except SpecError:
            raise SpecError(f"{source}: invalid JSON: {json_error}") from None
    return _load_yaml(text, source)


def _load_yaml(text: str, source: str) -> Any:
    classes = _pyyaml_classes()
    if classes is None:
        return _load_with_ruamel(text, source)
    import yaml

    try:
        return yaml.load(text, Loader=classes[0])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise SpecError(f"{where}: invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SpecError(f"{source}: invalid YAML: {exc}") from None


def _load_with_ruamel(text: str, source: str) -> Any:
    try:
        ruamel: Any = importlib.import_module("ruamel.yaml")
    except ImportError:
        raise SpecError(
            f"{source}: reading YAML needs PyYAML, which is not installed: pip install 'anytoken[devkit]' (or give a JSON spec)"
        ) from None
    try:
        return as_json(ruamel.YAML(typ="safe", pure=True).load(text))
    except Exception as exc:  # ruamel's error classes are many
        raise SpecError(f"{source}: invalid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


@functools.cache
def _pyyaml_classes() -> tuple[type[Any], type[Any]] | None:
    """``(loader, dumper)`` built on PyYAML's C classes when available; ``None`` without PyYAML."""
    try:
        import yaml
    except ImportError:
        return None
    base_loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader: Any = type("SpecLoader", (base_loader,), {"__doc__": "A safe loader that leaves dates and timestamps as strings."})
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
        for first, resolvers in base_loader.yaml_implicit_resolvers.items()
    }
    dumper = type(
        "SpecDumper",
        (getattr(yaml, "CSafeDumper", yaml.SafeDumper),),
        {"__doc__": "Repeats shared nodes instead of emitting YAML anchors.", "ignore_aliases": lambda self, data: True},
    )
    return loader, dumper


def dump_yaml(doc: Any, header: Sequence[str] = ()) -> str:
    """Block-style YAML in the document's key order, after ``header`` as ``#`` comment lines.

    Without PyYAML the document is written as indented JSON (valid YAML too).
    """
    lines = "".join(f"# {line}\n" for line in header)
    classes = _pyyaml_classes()
    if classes is None:
        return lines + json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    import yaml

    return lines + yaml.dump(doc, Dumper=classes[1], sort_keys=False, allow_unicode=True, width=100)


def as_json(value: Any) -> Any:
    """A copy with JSON types only: mapping keys as strings (``200:`` → ``"200"``), dates as ISO strings."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, _dt.date | _dt.datetime):
        return value.isoformat()
    return value


# -- operations ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Operation:
    """One operation of a document; equal (and hashed) by method, path and operationId."""

    method: str
    path: str
    operation_id: str | None
    node: dict[str, Any] = dataclasses.field(compare=False, repr=False)
    path_item: dict[str, Any] = dataclasses.field(compare=False, repr=False)

    @property
    def label(self) -> str:
        """``METHOD /path``."""
        return f"{self.method.upper()} {self.path}"

    @property
    def key(self) -> str:
        """The operationId, else ``METHOD /path``."""
        return self.operation_id or self.label


def iter_operations(doc: Any) -> Iterator[Operation]:
    """Every operation, in document order."""
    paths = doc.get("paths") if isinstance(doc, dict) else None
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            node = item.get(method)
            if isinstance(node, dict):
                op_id = node.get("operationId")
                yield Operation(method, str(path), op_id if isinstance(op_id, str) else None, node, item)


def select_operations(doc: Any, wanted: Sequence[str], source: str = "the document") -> list[Operation]:
    """The operations named by operationId or ``"METHOD /path"``, in the order asked, without repeats.

    An unknown name is a :class:`SpecError` suggesting close names (case-insensitively as a last resort).
    """
    operations = list(iter_operations(doc))
    by_id = {op.operation_id: op for op in operations if op.operation_id}
    by_label = {op.label: op for op in operations}
    selected: list[Operation] = []
    for name in wanted:
        match = _METHOD_PATH.match(name)
        op = by_label.get(f"{match.group(1).upper()} {match.group(2)}") if match else by_id.get(name.strip())
        if op is None:
            candidates = list(by_label) if match else list(by_id)
            close = difflib.get_close_matches(name.strip(), candidates, n=3, cutoff=0.5)
            if not close and not match:
                lowered = {c.lower(): c for c in candidates}
                close = [lowered[c] for c in difflib.get_close_matches(name.strip().lower(), list(lowered), n=3, cutoff=0.5)]
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise SpecError(f"operation {name!r} not found in {source} ({len(operations)} operations){hint}")
        if op not in selected:
            selected.append(op)
    return selected


def operation_roots(op: Operation) -> list[Any]:
    """The nodes an operation's meaning depends on: itself and its path-level parameters."""
    return [op.node, op.path_item.get("parameters", [])]


# -- references ---------------------------------------------------------------------------------------


def split_pointer(ref: str) -> list[str]:
    """``#/components/schemas/A~1B`` → ``["components", "schemas", "A/B"]``; only local references."""
    if not ref.startswith("#/"):
        raise SpecError(f"external reference {ref!r} is not supported; inline or bundle it first")
    return [part.replace("~1", "/").replace("~0", "~") for part in ref[2:].split("/")]


def resolve_ref(doc: Any, ref: str) -> Any:
    """The node ``ref`` points at."""
    node = doc
    for part in split_pointer(ref):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise SpecError(f"unresolvable reference {ref!r}")
    return node


def deref(doc: Any, node: Any, depth: int = 0) -> Any:
    """Follow ``$ref`` chains at the top of ``node`` (at most 32 hops)."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 32:
        node = resolve_ref(doc, node["$ref"])
        depth += 1
    return node


def iter_refs(node: Any) -> Iterator[str]:
    """Every reference under ``node``: ``$ref`` values and local discriminator mappings."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield ref
            mapping = current.get("mapping")
            if "propertyName" in current and isinstance(mapping, dict):
                yield from (v for v in mapping.values() if isinstance(v, str) and v.startswith("#/"))
            stack.extend(v for k, v in current.items() if k != "$ref")
        elif isinstance(current, list):
            stack.extend(current)


def ref_closure(doc: Any, roots: Iterable[Any]) -> set[str]:
    """Every reference reachable from ``roots``, transitively."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        for ref in iter_refs(stack.pop()):
            if ref not in seen:
                seen.add(ref)
                stack.append(resolve_ref(doc, ref))
    return seen


# -- slicing ------------------------------------------------------------------------------------------


def slice_document(doc: Any, operations: Sequence[Operation]) -> dict[str, Any]:
    """A new document with ``operations`` and what they need, in the source's order.

    Kept: ``openapi``, ``info``, ``jsonSchemaDialect``, ``servers``, ``security``, the tags in use, the
    operations with their path-level ``summary``/``description``/``servers``/``parameters``, every component
    they reference transitively, and the security schemes named by the global or per-operation ``security``.
    Nodes are shared with ``doc``, not copied.
    """
    out: dict[str, Any] = {key: doc[key] for key in _TOP_LEVEL if key in doc}
    paths: dict[str, Any] = {}
    for op in operations:
        item = paths.setdefault(op.path, {k: op.path_item[k] for k in _PATH_ITEM_SHARED if k in op.path_item})
        item[op.method] = op.node
    names = {tag for op in operations for tag in op.node.get("tags", [])}
    tags = [tag for tag in doc.get("tags", []) if isinstance(tag, dict) and tag.get("name") in names]
    if tags:
        out["tags"] = tags
    out["paths"] = paths
    components = _components(doc, operations)
    if components:
        out["components"] = components
    return out


def _components(doc: Any, operations: Sequence[Operation]) -> dict[str, Any]:
    wanted: dict[str, set[str]] = {}
    for ref in ref_closure(doc, [root for op in operations for root in operation_roots(op)]):
        parts = split_pointer(ref)
        if len(parts) != 3 or parts[0] != "components":
            raise SpecError(f"reference {ref!r} does not point at a component; cannot slice it")
        wanted.setdefault(parts[1], set()).add(parts[2])
    requirements = list(doc.get("security", []))
    for op in operations:
        requirements.extend(op.node.get("security", []))
    source = doc.get("components", {})
    available = source.get("securitySchemes", {})
    schemes = {name for req in requirements if isinstance(req, dict) for name in req if name in available}
    if schemes:
        wanted.setdefault("securitySchemes", set()).update(schemes)
    # Keep the source's order of sections and of entries, so slices diff well.
    return {
        section: {name: entry for name, entry in source[section].items() if name in wanted[section]}
        for section in source
        if section in wanted
    }


# -- fix-ups ------------------------------------------------------------------------------------------

Fixup = Callable[[Any], list[str]]
"""Edits a document in place for openapi-python-client 0.29.1; returns one line per change."""


def _walk(node: Any, pointer: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """``(JSON pointer, mapping)`` for every mapping in the document."""
    stack: list[tuple[str, Any]] = [(pointer, node)]
    while stack:
        where, current = stack.pop()
        if isinstance(current, dict):
            yield where, current
            stack.extend((f"{where}/{_escape(str(k))}", v) for k, v in reversed(current.items()))
        elif isinstance(current, list):
            stack.extend((f"{where}/{i}", v) for i, v in reversed(list(enumerate(current))))


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def required_only_combinators(doc: Any) -> list[str]:
    """Drop ``anyOf``/``oneOf`` lists whose members carry only ``required``.

    Clerk's ``POST /saml_connections`` body says "domain or domains is
    required" as ``anyOf: [{required: [domain]}, {required: [domains]}]``.
    The generator turns each member into an empty model and the endpoint
    module does not parse. The properties stay on the parent schema (all
    optional); the alternative is recorded in its description.
    """
    changes = []
    for where, node in _walk(doc):
        for keyword in ("anyOf", "oneOf"):
            members = node.get(keyword)
            if not isinstance(members, list) or not members:
                continue
            if not all(isinstance(m, dict) and set(m) <= {"required", "description"} and "required" in m for m in members):
                continue
            alternatives = " | ".join("+".join(map(str, m["required"])) for m in members)
            del node[keyword]
            note = f"Requires {'exactly one' if keyword == 'oneOf' else 'at least one'} of: {alternatives}."
            node["description"] = f"{node['description']}\n\n{note}" if node.get("description") else note
            changes.append(f"{where}: dropped {keyword} of required-only members ({alternatives})")
    return changes


def enum_case_duplicates(doc: Any) -> list[str]:
    """Name enum members whose generated keys would collide (``telnyx`` / ``Telnyx``).

    Without ``literal_enums`` the generator names a member ``value.upper()``
    and stops with ``Duplicate key ... in enum``. This adds
    ``x-enum-varnames`` (which the generator honours) with unique names, so
    every wire value is kept. ``literal_enums: true`` in the config is the
    other fix (no enum classes at all).
    """
    changes = []
    for where, node in _walk(doc):
        values = node.get("enum")
        if not isinstance(values, list) or "x-enum-varnames" in node or not all(isinstance(v, str) for v in values):
            continue
        keys = [v.upper() if v and v[0].isalpha() else f"VALUE_{i}" for i, v in enumerate(values)]
        if len(set(keys)) == len(keys):
            continue
        names: list[str] = []
        for key in keys:
            name, n = key, 2
            while name in names:
                name, n = f"{key}_{n}", n + 1
            names.append(name)
        node["x-enum-varnames"] = names
        changes.append(f"{where}: named colliding enum members {names}")
    return changes


FIXUPS: dict[str, Fixup] = {
    "required-only-combinators": required_only_combinators,
    "enum-case-duplicates": enum_case_duplicates,
}
"""The declared fix-ups by name (``docs/pipeline.md`` has the table)."""


def apply_fixups(doc: Any, names: Sequence[str]) -> list[str]:
    """Apply the named fix-ups in order; return ``"NAME: what changed"`` lines."""
    unknown = [name for name in names if name not in FIXUPS]
    if unknown:
        raise SpecError(f"unknown fix-up {', '.join(map(repr, unknown))}; available: {', '.join(FIXUPS)}")
    return [f"{name}: {change}" for name in names for change in FIXUPS[name](doc)]
