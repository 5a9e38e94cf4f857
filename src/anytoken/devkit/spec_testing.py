"""Checking a plugin's traffic against an OpenAPI spec: recording, spec loading, ``$ref`` s, validation.

The machinery the provider plugins' test suites share. A typical spec test records what the plugin sends
and what the sandbox answers, then validates both against the provider's spec::

    from anytoken.devkit.spec_testing import load_spec, operation, recording_sandbox, upstream_spec_path
    from anytoken.devkit.spec_testing import validate_request, validate_response

    with recording_sandbox(my_sandbox.sandbox_provider()) as (sb, log), sb.client(env={}) as client:
        client.create_token("myprovider")
    spec = load_spec(upstream_spec_path("myprovider-openapi.yml"))  # pytest.skip() when it is absent
    for ex in log:
        op = operation(spec, ex.method, ex.path)
        validate_request(spec, op, ex)
        assert validate_response(spec, op, ex), f"{ex.operation_id}: HTTP {ex.status} is not documented"

What is here:

* recording: :class:`Exchange`, :func:`record_exchanges` and :func:`recording_sandbox` (at the sandbox, by
  wrapping route handlers);
  :class:`RecordingTransport` (a real HTTP transport, sync and async, keeping every request/response pair);
  :class:`CapturingTransport` (an ``httpx.MockTransport``, sync and async, answering one canned JSON
  response and keeping every request);
* specs: :func:`load_spec` (JSON or YAML; skips the test when the file is absent),
  :func:`upstream_spec_path` / :func:`own_spec_path` / :func:`repo_root`, :func:`resolve_refs`;
* operations: :func:`operation` (by method and path template), :func:`match_operation` (by a concrete
  path, with its path parameters), :func:`operation_by_id`;
* validation (OpenAPI 3.0 semantics, 3.1 when the spec says so, via ``openapi-schema-validator``):
  :func:`validate`, :func:`schema_errors`, :func:`validate_request`, :func:`request_errors`,
  :func:`validate_response`. Validation failures raise ``jsonschema.exceptions.ValidationError``; a
  request or response that does not fit the operation at all (undeclared content type, a body where none
  is taken) fails an ``assert``.

Nothing here imports pytest, PyYAML or ``openapi-schema-validator`` until a helper needs it, so the module
imports anywhere anytoken does.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import attrs
import httpx

from anytoken.devkit._extras import missing
from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.sandbox.model import Route, SandboxProvider, SandboxRequest, SandboxResponse

__all__ = [
    "CapturingTransport",
    "Exchange",
    "RecordingTransport",
    "load_spec",
    "match_operation",
    "operation",
    "operation_by_id",
    "own_spec_path",
    "record_exchanges",
    "recording_sandbox",
    "repo_root",
    "request_errors",
    "resolve_refs",
    "schema_errors",
    "upstream_spec_path",
    "validate",
    "validate_request",
    "validate_response",
]

Spec = dict[str, Any]

# -- recording at the sandbox -------------------------------------------------------------------------


@attrs.define
class Exchange:
    """One request a sandbox route served and the answer it gave.

    ``method`` and ``path`` are the route's (``path`` is its template, relative to the provider's base
    URL, as in the spec); ``request_path`` is the full path the request was sent to. Header names are
    lower-case.
    """

    operation_id: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes
    request_path: str = ""


def record_exchanges(provider: SandboxProvider, log: list[Exchange]) -> SandboxProvider:
    """``provider`` with every route wrapped to append an :class:`Exchange` to ``log`` as it answers."""

    def wrap(route: Route) -> Route:
        def handler(request: SandboxRequest, state: Any) -> SandboxResponse:
            response = route.handler(request, state)
            log.append(
                Exchange(
                    route.operation_id,
                    route.method,
                    route.path,
                    dict(request.headers),
                    request.body,
                    response.status,
                    {k.lower(): v for k, v in response.headers},
                    response.body,
                    request.path,
                )
            )
            return response

        return attrs.evolve(route, handler=handler)

    return attrs.evolve(provider, routes=tuple(wrap(r) for r in provider.routes))


@contextlib.contextmanager
def recording_sandbox(provider: SandboxProvider, **sandbox_options: Any) -> Iterator[tuple[Sandbox, list[Exchange]]]:
    """A running :class:`~anytoken.devkit.sandbox.Sandbox` serving ``provider`` alone, and the list its
    exchanges are recorded in (see :func:`record_exchanges`); ``sandbox_options`` go to ``Sandbox``."""
    log: list[Exchange] = []
    with Sandbox([record_exchanges(provider, log)], **sandbox_options) as sandbox:
        yield sandbox, log


# -- recording at the client ---------------------------------------------------------------------------


_NO_KEEPALIVE = httpx.Limits(max_keepalive_connections=0)


class RecordingTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """A real HTTP transport, sync and async, that keeps every ``(request, response)`` pair in
    :attr:`exchanges` (both bodies read, so they can be inspected after the client is closed).

    It keeps no idle connection (each exchange closes its own), so it leaks none whoever closes it: an
    ``anytoken.Client`` never closes a transport it was given.

    Pass a shared list to collect several clients' traffic in one place.
    """

    def __init__(self, exchanges: list[tuple[httpx.Request, httpx.Response]] | None = None) -> None:
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = exchanges if exchanges is not None else []
        self._sync: httpx.HTTPTransport | None = None
        self._async: httpx.AsyncHTTPTransport | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._sync is None:
            self._sync = httpx.HTTPTransport(limits=_NO_KEEPALIVE)
        request.read()
        response = self._sync.handle_request(request)
        content = response.read()
        response.close()
        return self._keep(request, response, content)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._async is None:
            self._async = httpx.AsyncHTTPTransport(limits=_NO_KEEPALIVE)
        await request.aread()
        response = await self._async.handle_async_request(request)
        content = await response.aread()
        await response.aclose()
        return self._keep(request, response, content)

    def _keep(self, request: httpx.Request, response: httpx.Response, content: bytes) -> httpx.Response:
        copy = httpx.Response(response.status_code, headers=response.headers, content=content, request=request)
        self.exchanges.append((request, copy))
        return copy

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()

    async def aclose(self) -> None:
        if self._async is not None:
            await self._async.aclose()


class CapturingTransport(httpx.MockTransport):
    """An ``httpx.MockTransport`` (sync and async) answering every request with ``status`` and the JSON
    ``payload`` (an empty body when it is ``None``), keeping the requests in :attr:`requests`. One
    instance can serve as a client's ``transport`` and ``async_transport`` at once."""

    def __init__(self, status: int = 200, payload: Any = None) -> None:
        self.status = status
        self.payload = payload
        self.requests: list[httpx.Request] = []
        super().__init__(self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, json=self.payload)

    @property
    def body(self) -> Any:
        """The last request's JSON body (``None`` when it had none)."""
        content = self.requests[-1].content
        return json.loads(content) if content else None


# -- locating and loading specs ---------------------------------------------------------------------------


def repo_root() -> Path:
    """The root of the anytoken checkout this module runs from (the working directory when it is
    installed rather than run from a checkout)."""
    here = Path(__file__).resolve().parents[3]
    return here if (here / "pyproject.toml").is_file() and (here / "plugins").is_dir() else Path.cwd()


def upstream_spec_path(name: str) -> Path:
    """``name`` in ``../shared/upstream-specs/`` next to the checkout: providers' published specs, test
    data kept outside the repository (tests using them skip when it is absent, see :func:`load_spec`)."""
    return repo_root().parent / "shared" / "upstream-specs" / name


def own_spec_path(name: str) -> Path:
    """``name`` in the repository's ``specs/`` (the project's own specs, which the generated clients parse)."""
    return repo_root() / "specs" / name


def load_spec(path: Path, *, skip_if_absent: bool = True) -> Spec:
    """The OpenAPI document at ``path`` (JSON for ``.json``, else YAML), ``$ref`` s left as they are.

    When the file is absent the calling test is skipped (``pytest.skip``), or ``FileNotFoundError`` is
    raised with ``skip_if_absent=False`` (for specs that must be there, such as the repository's own). An
    absent upstream spec (:func:`upstream_spec_path`) is the ``upstream-specs`` area of
    :func:`anytoken.devkit.required_areas.require`: a failure rather than a skip when ``ANYTOKEN_REQUIRE`` names it.
    """
    if not path.is_file():
        if not skip_if_absent:
            raise FileNotFoundError(f"spec not found: {path}")
        import pytest

        if path.resolve().is_relative_to(upstream_spec_path("").resolve()):
            from anytoken.devkit.required_areas import require

            require("upstream-specs", f"spec not found: {path} (the providers' published specs live in ../shared/upstream-specs)")
        pytest.skip(f"spec not found: {path}")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
    else:
        try:
            import yaml
        except ImportError:
            raise missing("PyYAML", f"reading the YAML spec {path.name}") from None

        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert isinstance(data, dict) and "paths" in data, f"{path} is not an OpenAPI document"
    return data


def resolve_refs(node: Any, root: Mapping[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """``node`` with every local ``$ref`` (``#/...``, JSON-pointer escapes honoured) inlined from ``root``.

    A copy: ``node`` is not modified. Recursive references fail an ``assert`` (inline the operations you
    need, not a whole spec whose schemas refer to themselves).
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            assert ref.startswith("#/") and ref not in seen, f"unsupported or recursive $ref: {ref}"
            target: Any = root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return resolve_refs(target, root, (*seen, ref))
        return {k: resolve_refs(v, root, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve_refs(v, root, seen) for v in node]
    return node


# -- operations -------------------------------------------------------------------------------------------


def _title(spec: Spec) -> str:
    info = spec.get("info")
    return str(info.get("title", "the spec")) if isinstance(info, dict) else "the spec"


def operation(spec: Spec, method: str, path: str) -> dict[str, Any]:
    """The operation at the path template ``path`` (a key of ``paths``) for ``method``, ``$ref`` s inlined."""
    item = spec["paths"].get(path)
    assert isinstance(item, dict) and method.lower() in item, f"{method.upper()} {path} is not an operation of {_title(spec)}"
    op: dict[str, Any] = resolve_refs(item[method.lower()], spec)
    return op


def match_operation(spec: Spec, method: str, path: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The operation serving ``method`` on the concrete ``path`` (relative to the base URL, still
    percent-encoded so an encoded ``/`` stays in its segment) and its decoded path parameters."""
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
        match = re.match(pattern, path)
        if match and method.lower() in item:
            return operation(spec, method, template), {k: unquote(v) for k, v in match.groupdict().items()}
    raise AssertionError(f"{method.upper()} {path} is not an operation of {_title(spec)}")


def operation_by_id(spec: Spec, operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """``(path template, lower-case method, operation)`` of ``operation_id``, ``$ref`` s inlined."""
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return path, method, resolve_refs(op, spec)
    raise AssertionError(f"{operation_id} is not an operation of {_title(spec)}")


# -- validation -------------------------------------------------------------------------------------------


def _validator(spec: Spec | None) -> Any:
    try:
        from openapi_schema_validator import OAS30Validator, OAS31Validator
    except ImportError:
        raise missing("openapi-schema-validator", "checking answers against a spec's schemas") from None

    return OAS31Validator if spec is not None and str(spec.get("openapi", "")).startswith("3.1") else OAS30Validator


def validate(schema: Mapping[str, Any], instance: Any, *, spec: Spec | None = None) -> None:
    """Raise ``jsonschema.exceptions.ValidationError`` unless ``instance`` fits ``schema`` (``$ref`` s
    already inlined). OpenAPI 3.0 semantics (``nullable`` ...), 3.1 when ``spec`` is a 3.1 document."""
    _validator(spec)(schema).validate(instance)


def schema_errors(schema: Mapping[str, Any], instance: Any, *, spec: Spec | None = None) -> list[Any]:
    """Every way ``instance`` breaks ``schema`` (``jsonschema`` ``ValidationError`` s, empty when it fits);
    the dialect as for :func:`validate`."""
    errors: list[Any] = list(_validator(spec)(schema).iter_errors(instance))
    return errors


RequestLike = Exchange | httpx.Request | SandboxRequest
ResponseLike = Exchange | httpx.Response | SandboxResponse


def _request_parts(request: RequestLike) -> tuple[Mapping[str, str], bytes]:
    if isinstance(request, Exchange):
        return request.headers, request.body
    if isinstance(request, httpx.Request):
        return request.headers, request.content
    return request.headers, request.body


def _response_parts(response: ResponseLike) -> tuple[int, Mapping[str, str], bytes]:
    if isinstance(response, Exchange):
        return response.status, response.response_headers, response.response_body
    if isinstance(response, httpx.Response):
        return response.status_code, response.headers, response.content
    return response.status, {k.lower(): v for k, v in response.headers}, response.body


def _media(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").split(";")[0].strip()


def _is_json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


def _request_body(op: Mapping[str, Any], request: RequestLike, no_body: tuple[bytes, ...]) -> tuple[dict[str, Any] | None, Any]:
    """(schema, instance) of the request's JSON body; (None, None) when there is nothing to validate."""
    name = op.get("operationId", "the operation")
    headers, content = _request_parts(request)
    body_spec = op.get("requestBody")
    if body_spec is None:
        assert content in no_body, f"{name} takes no body, sent {content[:80]!r}"
        return None, None
    media = _media(headers)
    assert media in body_spec["content"], f"{name}: request content type {media!r} not in {sorted(body_spec['content'])}"
    if not _is_json(media) or (not content and not body_spec.get("required")):
        return None, None
    return body_spec["content"][media].get("schema", {}), json.loads(content)


def validate_request(
    spec: Spec, op: Mapping[str, Any], request: RequestLike, *, check_body: bool = True, no_body: tuple[bytes, ...] = (b"",)
) -> Any:
    """Check a request against its (resolved) operation ``op`` and return its decoded JSON body, if any.

    When ``op`` takes no body the request must not carry one (a body in ``no_body``); otherwise its
    content type must be declared, and a JSON body (required, or sent) must fit the schema (unless
    ``check_body=False``). Header and security checks are provider-specific and left to the caller.
    """
    schema, instance = _request_body(op, request, no_body)
    if schema is not None and check_body:
        validate(schema, instance, spec=spec)
    return instance


def request_errors(spec: Spec, op: Mapping[str, Any], request: RequestLike) -> list[Any]:
    """How the request's JSON body breaks ``op``'s request schema (empty when it fits or has no JSON
    body): for requests a server is expected to reject. The content type is checked as by
    :func:`validate_request`."""
    schema, instance = _request_body(op, request, (b"",))
    return [] if schema is None else schema_errors(schema, instance, spec=spec)


def validate_response(spec: Spec, op: Mapping[str, Any], response: ResponseLike) -> bool:
    """Check an answer against the schema ``op`` declares for its status; False when the spec does not
    say what it looks like (the status is not declared, or is declared without content).

    The content type must be one the status declares; a JSON body is decoded, any other is validated as
    text.
    """
    status, headers, content = _response_parts(response)
    declared = op["responses"].get(str(status))
    if declared is None or not declared.get("content"):
        return False
    media = _media(headers)
    name = op.get("operationId", "the operation")
    assert media in declared["content"], f"{name} {status}: {media!r} not in {sorted(declared['content'])}"
    instance: Any = json.loads(content) if _is_json(media) else content.decode()
    validate(declared["content"][media].get("schema", {}), instance, spec=spec)
    return True
