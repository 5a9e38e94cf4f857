"""Reading, checking and slicing an OpenAPI document for the scaffold.

The slicing follows ``scripts/slice_spec.py`` (same selection by operationId or ``"METHOD /path"``, same
transitive ``$ref`` closure, same kept top-level keys), reduced to what an installed anytoken needs: the
repository's scripts are not installed with the package.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import importlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from ._errors import ScaffoldError

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_METHOD_PATH = re.compile(rf"^\s*({'|'.join(HTTP_METHODS)})\s+(/\S*)\s*$", re.IGNORECASE)
_TOP_LEVEL = ("openapi", "info", "jsonSchemaDialect", "servers", "security")
_PATH_ITEM_SHARED = ("summary", "description", "servers", "parameters")


@attrs.frozen
class Operation:
    method: str
    path: str
    operation_id: str | None
    node: dict[str, Any] = attrs.field(eq=False)
    path_item: dict[str, Any] = attrs.field(eq=False)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _plain(value: Any) -> Any:
    """YAML dates and timestamps back to strings (OpenAPI is JSON)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, _dt.date | _dt.datetime):
        return value.isoformat()
    return value


def _load_yaml(text: str, source: str) -> Any:
    try:
        yaml: Any = importlib.import_module("yaml")
    except ImportError:
        yaml = None
    if yaml is not None:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            return yaml.load(text, Loader=loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{source}:{mark.line + 1}" if mark is not None else source
            raise ScaffoldError(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    try:  # ruamel.yaml always comes with openapi-python-client
        ruamel: Any = importlib.import_module("ruamel.yaml")
    except ImportError:
        raise ScaffoldError(f"{source}: reading YAML needs PyYAML: pip install PyYAML (or give a JSON spec)") from None
    try:
        return ruamel.YAML(typ="safe", pure=True).load(text)
    except Exception as exc:  # ruamel's error classes are many
        raise ScaffoldError(f"{source}: invalid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


def load(path: Path) -> tuple[str, dict[str, Any]]:
    """``(text, document)``; a one-line ScaffoldError when the file is missing or not OpenAPI 3."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScaffoldError(f"spec {str(path)!r} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScaffoldError(f"cannot read spec {str(path)!r}: {getattr(exc, 'strerror', None) or exc}") from None
    if text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise ScaffoldError(f"{path}: invalid JSON: {exc}") from None
    else:
        doc = _load_yaml(text, str(path))
    doc = _plain(doc)
    if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
        raise ScaffoldError(f"{path}: not an OpenAPI document (no 'paths' mapping)")
    version = str(doc.get("openapi", ""))
    if not version.startswith("3."):
        found = f"'openapi: {version}'" if version else ("Swagger 2.0" if "swagger" in doc else "no 'openapi' version")
        raise ScaffoldError(f"{path}: an OpenAPI 3.0/3.1 document is needed, found {found}")
    return text, doc


def validate(doc: dict[str, Any], source: str) -> None:
    """Check the document with openapi-spec-validator when it is installed (it is optional)."""
    try:
        validator: Any = importlib.import_module("openapi_spec_validator")
    except ImportError:
        return
    try:
        validator.validate(doc)
    except Exception as exc:
        message = str(getattr(exc, "message", None) or exc).splitlines()[0]
        where = "/".join(str(p) for p in getattr(exc, "path", ()) or ())
        raise ScaffoldError(f"{source}: invalid OpenAPI document{f' at {where}' if where else ''}: {message[:300]}") from None


def iter_operations(doc: dict[str, Any]) -> Iterator[Operation]:
    for path, item in doc.get("paths", {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            node = item.get(method)
            if isinstance(node, dict):
                op_id = node.get("operationId")
                yield Operation(method, str(path), op_id if isinstance(op_id, str) else None, node, item)


def select(doc: dict[str, Any], wanted: Sequence[str], source: str) -> list[Operation]:
    """The operations named by operationId or ``METHOD /path``, in the order asked (close names suggested)."""
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
            raise ScaffoldError(f"operation {name!r} not found in {source} ({len(operations)} operations){hint}")
        if op.operation_id is None:
            raise ScaffoldError(f"{op.label} in {source} has no operationId; add one (the generated module is named after it)")
        if op not in selected:
            selected.append(op)
    return selected


# -- references ---------------------------------------------------------------------------------------


def split_pointer(ref: str) -> list[str]:
    if not ref.startswith("#/"):
        raise ScaffoldError(f"external reference {ref!r} is not supported; bundle the spec first")
    return [part.replace("~1", "/").replace("~0", "~") for part in ref[2:].split("/")]


def resolve_ref(doc: Any, ref: str) -> Any:
    node = doc
    for part in split_pointer(ref):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise ScaffoldError(f"unresolvable reference {ref!r}")
    return node


def deref(doc: Any, node: Any, depth: int = 0) -> Any:
    """Follow ``$ref`` chains at the top of ``node``."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 32:
        node = resolve_ref(doc, node["$ref"])
        depth += 1
    return node


def _iter_refs(node: Any) -> Iterator[str]:
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
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        for ref in _iter_refs(stack.pop()):
            if ref not in seen:
                seen.add(ref)
                stack.append(resolve_ref(doc, ref))
    return seen


def slice_document(doc: dict[str, Any], operations: Sequence[Operation]) -> dict[str, Any]:
    """A new document with ``operations`` and every component they reference, transitively."""
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
    roots = [root for op in operations for root in (op.node, op.path_item.get("parameters", []))]
    wanted: dict[str, set[str]] = {}
    for ref in ref_closure(doc, roots):
        parts = split_pointer(ref)
        if len(parts) != 3 or parts[0] != "components":
            raise ScaffoldError(f"reference {ref!r} does not point at a component; cannot slice it")
        wanted.setdefault(parts[1], set()).add(parts[2])
    requirements = list(doc.get("security", []))
    for op in operations:
        requirements.extend(op.node.get("security", []))
    available = doc.get("components", {}).get("securitySchemes", {})
    schemes = {name for req in requirements if isinstance(req, dict) for name in req if name in available}
    if schemes:
        wanted.setdefault("securitySchemes", set()).update(schemes)
    source = doc.get("components", {})
    components = {
        section: {name: entry for name, entry in source[section].items() if name in wanted[section]}
        for section in source
        if section in wanted
    }
    if components:
        out["components"] = components
    return out


def dump_yaml(doc: dict[str, Any], header: Sequence[str]) -> str:
    """The sliced document as YAML when PyYAML is installed, else as JSON (valid YAML too)."""
    lines = "".join(f"# {line}\n" for line in header)
    try:
        yaml: Any = importlib.import_module("yaml")
    except ImportError:
        return lines + json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return lines + str(yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100))
