"""Property tests of a plugin's parsing path: every answer the provider's spec allows ends in a Token or a
typed error, never in a :class:`~anytoken.errors.PluginError` (a crash in the plugin or its generated client).

Response bodies are generated (hypothesis) from the success response schema of an operation in an OpenAPI
document: the provider's published spec where there is one, else ours. The strategy is built here from the
schema (:func:`from_schema`: types, enums, patterns, bounds, required and additional properties, formats,
``anyOf``/``oneOf``/``allOf``; hypothesis-jsonschema does not run with current hypothesis), and every body
is checked against the schema with jsonschema before it is served, so only spec-valid answers are sent. Each body is
served by the sandbox over a real socket (the route's handler runs, then its body is replaced), and the
mint goes through the whole real path: Client, plugin, generated client, finish function::

    from anytoken.devkit.spec_fuzz import check_spec_answers
    from anytoken.devkit.spec_testing import load_spec, upstream_spec_path

    def test_m2m_answers(anytoken_sandbox):
        spec = load_spec(upstream_spec_path("clerk-bapi-2026-05-12.yml"))
        check_spec_answers(anytoken_sandbox, spec, "clerk", "m2m", "createM2MToken")

hypothesis and jsonschema are test tools (``requirements-dev.txt``); they are imported when a
check runs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from anytoken.devkit._extras import missing
from anytoken.errors import AnytokenError, PluginError
from anytoken.retry import RetryPolicy
from anytoken.tokens import Token

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from anytoken.devkit.sandbox import Sandbox

__all__ = ["check_spec_answers", "from_schema", "json_schema", "success_bodies", "success_response"]

#: OpenAPI keywords that are not JSON Schema validation keywords (annotations, or OpenAPI-only)
_ANNOTATIONS = frozenset({"example", "examples", "discriminator", "xml", "externalDocs", "deprecated", "readOnly", "writeOnly"})
#: string formats hypothesis-jsonschema generates; others (int64, uri-reference ...) only annotate here
_FORMATS = frozenset({"date-time", "date", "time", "email", "uuid", "ipv4", "ipv6", "hostname", "uri"})


def json_schema(schema: Any) -> Any:
    """An OpenAPI 3.0/3.1 schema object (``$ref`` s already inlined) as plain JSON Schema: ``nullable``
    becomes a ``null`` alternative, OpenAPI-only keywords and ``x-`` extensions are dropped."""
    if isinstance(schema, list):
        return [json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _ANNOTATIONS or key.startswith("x-") or key == "nullable":
            continue
        if key == "format" and value not in _FORMATS:
            continue
        if key in ("properties", "patternProperties", "$defs", "definitions"):
            out[key] = {name: json_schema(sub) for name, sub in value.items()}
        else:
            out[key] = json_schema(value)
    if schema.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


def success_response(spec: Mapping[str, Any], operation_id: str) -> tuple[int, str, Any]:
    """``(status, content type, JSON Schema)`` of the operation's first documented 2xx answer with a body."""
    from anytoken.devkit.spec_testing import operation_by_id

    _, _, op = operation_by_id(dict(spec), operation_id)
    for status, response in sorted(op.get("responses", {}).items()):
        if str(status).startswith("2"):
            for content_type, media in (response.get("content") or {}).items():
                if "schema" in media:
                    return int(status), content_type, json_schema(media["schema"])
    raise AssertionError(f"{operation_id}: no documented 2xx answer with a body")


def success_bodies(spec: Mapping[str, Any], operation_id: str) -> SearchStrategy[Any]:
    """Bodies the operation's success schema allows (a hypothesis strategy; each one validated)."""
    _require_hypothesis()
    try:
        from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
    except ImportError:
        raise missing("jsonschema", "generating answers from a spec's schemas") from None

    _, _, schema = success_response(spec, operation_id)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return from_schema(schema).filter(validator.is_valid)


def _require_hypothesis() -> None:
    try:
        import hypothesis  # noqa: F401 - imported where used; this says what to install when it is missing
    except ImportError:
        raise missing("hypothesis", "generating answers from a spec's schemas") from None


_INT64 = 2**63 - 1
_DATE_TIMES = ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00")


def from_schema(schema: Any) -> SearchStrategy[Any]:
    """A hypothesis strategy for values of the JSON Schema ``schema`` (the subset OpenAPI specs use)."""
    _require_hypothesis()
    from hypothesis import strategies as st

    if schema is True or schema == {}:
        return _any_json()
    if schema is False:
        return st.nothing()
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(list(schema["enum"]))
    for key in ("anyOf", "oneOf"):
        if key in schema:
            rest = {k: v for k, v in schema.items() if k != key}
            return st.one_of([from_schema({**rest, **alt}) for alt in schema[key]])
    if "allOf" in schema:
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            for k, v in part.items():
                merged[k] = {**merged.get(k, {}), **v} if k == "properties" else sorted({*merged.get(k, []), *v}) if k == "required" else v
        return from_schema(merged)
    kinds = schema.get("type")
    if isinstance(kinds, list):
        return st.one_of([from_schema({**schema, "type": t}) for t in kinds])
    if kinds is None:
        kinds = "object" if "properties" in schema else "array" if "items" in schema else None
    maker = _MAKERS.get(kinds) if kinds else None
    return maker(schema) if maker is not None else _any_json()


def _any_json() -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    scalars = (
        st.none() | st.booleans() | st.integers(-_INT64, _INT64) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
    )
    return st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6
    )


def _string(schema: Mapping[str, Any]) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    if "pattern" in schema:
        # ASCII: a unicode \w costs hypothesis much time to draw, and ids are ASCII in practice
        return st.from_regex(
            schema["pattern"].removeprefix("^").removesuffix("$"), fullmatch=True, alphabet=st.characters(max_codepoint=0x7F)
        )
    fmt = schema.get("format")
    if fmt == "date-time":
        from datetime import UTC, timedelta, timezone

        offsets = st.integers(-12 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
        moments = st.datetimes(timezones=st.just(UTC) | offsets).map(lambda d: d.isoformat())
        return (
            moments | st.sampled_from(_DATE_TIMES) | st.datetimes().map(lambda d: d.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z"))
        )
    if fmt == "date":
        return st.dates().map(lambda d: d.isoformat())
    if fmt == "uuid":
        return st.uuids().map(str)
    low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
    return st.text(min_size=low, max_size=int(high) if high is not None else max(low, 40))


def _integer(schema: Mapping[str, Any]) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    bound = 2**31 - 1 if schema.get("format") == "int32" else _INT64
    low, high = schema.get("minimum", -bound - 1), schema.get("maximum", bound)
    if schema.get("exclusiveMinimum") is not None and not isinstance(schema.get("exclusiveMinimum"), bool):
        low = schema["exclusiveMinimum"] + 1
    if schema.get("exclusiveMaximum") is not None and not isinstance(schema.get("exclusiveMaximum"), bool):
        high = schema["exclusiveMaximum"] - 1
    edges = [v for v in (low, high, 0, 1, -1, 10**11, 10**13, 253402300800, 253402300800000) if low <= v <= high]
    return st.integers(int(low), int(high)) | st.sampled_from(edges)


def _number(schema: Mapping[str, Any]) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    low, high = schema.get("minimum"), schema.get("maximum")
    return st.floats(low, high, allow_nan=False, allow_infinity=False) | _integer({k: v for k, v in schema.items() if k != "format"})


def _array(schema: Mapping[str, Any]) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    low, high = int(schema.get("minItems", 0)), schema.get("maxItems")
    return st.lists(from_schema(schema.get("items", {})), min_size=low, max_size=int(high) if high is not None else low + 3)


def _object(schema: Mapping[str, Any]) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    props: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    extra = schema.get("additionalProperties", True)
    fixed = st.fixed_dictionaries(
        {k: from_schema(v) for k, v in props.items() if k in required},
        optional={k: from_schema(v) for k, v in props.items() if k not in required},
    )
    if extra is False:
        return fixed
    values = _any_json() if extra is True else from_schema(extra)
    more = st.dictionaries(st.text(min_size=1, max_size=10).filter(lambda k: k not in props), values, max_size=2)
    return st.tuples(fixed, more).map(lambda pair: {**pair[1], **pair[0]})


def _boolean(_: Mapping[str, Any]) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    return st.booleans()


def _null(_: Mapping[str, Any]) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    return st.none()


_MAKERS = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "array": _array,
    "object": _object,
    "boolean": _boolean,
    "null": _null,
}


def _distinctive(value: str, body: Any) -> bool:
    """True when ``value`` showing in a repr can only mean the token leaked: long enough not to be ordinary
    text, and in the answer only once (not also some other field's value)."""
    text = body if isinstance(body, str) else json.dumps(body)
    return len(value) >= 8 and value not in text.replace(value, "", 1)


def check_spec_answers(
    sandbox: Sandbox,
    spec: Mapping[str, Any],
    provider: str,
    kind: str,
    operation_id: str,
    *,
    params: Mapping[str, Any] | None = None,
    max_examples: int = 30,
) -> None:
    """Mint ``provider``/``kind`` (``params``: the sandbox's example) against answers generated from the
    success schema of ``operation_id`` in ``spec``; fail on a PluginError or anything not in the error tree.
    A Token must be well formed and show its value in no repr reachable from it."""
    _require_hypothesis()
    from hypothesis import HealthCheck, given, settings

    from anytoken.devkit.sandbox.faults import Fault
    from anytoken.devkit.testing import assert_nothing_reachable_shows

    args = dict(sandbox.examples(provider)[kind] if params is None else params)
    status, content_type, _ = success_response(spec, operation_id)
    bodies = success_bodies(spec, operation_id)
    as_text = not content_type.endswith("json")
    seen = {"tokens": 0, "errors": 0}

    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(body=bodies)
    def one(body: Any) -> None:
        if as_text and not isinstance(body, str):
            body = json.dumps(body)
        fault_id = sandbox.inject(provider, operation_id, Fault.missing_token(transform=lambda _: body), times=1)
        try:
            outcome: Token | AnytokenError = client.create_token(provider, kind=kind, **args)
        except PluginError as exc:
            raise AssertionError(f"{provider}/{kind}: a spec-valid HTTP {status} answer crashed the plugin: {exc}") from None
        except AnytokenError as exc:
            outcome = exc
        finally:
            still_armed = sandbox.remove_fault(fault_id)
        assert not still_armed, f"{provider}/{kind} never called {operation_id}: the generated answer was not served"
        if isinstance(outcome, Token):
            assert outcome.value and isinstance(outcome.value, str)
            assert outcome.expires_at is None or outcome.expires_at.tzinfo is not None
            if _distinctive(outcome.value, body):  # 'None', or a value another field repeats, is not a leak
                assert_nothing_reachable_shows(outcome, outcome.value)
            seen["tokens"] += 1
        else:
            assert "\n" not in str(outcome), f"{provider}/{kind}: a multi-line error"
            seen["errors"] += 1

    with sandbox.client(env={}, retry=RetryPolicy(max_attempts=1)) as client:
        one()
    assert seen["tokens"] + seen["errors"] > 0, "no answer was generated"
