"""Emulation of Unleash 8.2.0's token endpoints for ``anytoken.devkit.sandbox``.

Every answer below was taken from a real unleash-server 8.2.0 (``scripts/unleash_server.py``):

* auth: ``Authorization: <token>`` (a ``Bearer `` prefix is accepted too). Admin endpoints without the header
  answer ``401 AuthenticationRequired`` (with the login hints), with an unknown or expired token
  ``401 UnauthorizedError``; a backend / frontend / client token there gets
  ``403 {"message": "invalid token: expected a different token type for this endpoint"}``, and an admin API
  token on ``/api/admin/user/tokens`` gets ``403 ForbiddenError "PATs require an authenticated user."``.
  ``/api/client/*`` and ``/api/frontend`` answer 401 ``{"message": "This endpoint requires an API token..."}``
  without a valid token and the same 403 to a token of the wrong type.
* validation, in the server's order: 415 for a non-JSON content type, 400 ``{"message"}`` for unparsable
  JSON, 400 ``BadDataError`` with AJV-style ``details`` (``path``; ``createApiTokenSchema`` adds its
  ``oneOf`` complaint) for schema errors such as ``type: admin``, then 400 ``BadDataError`` without ``id``
  for semantic errors (empty name, empty ``projects``, unknown environment, then unknown project), and
  404 ``NotFoundError "No project found"`` for the project-scoped endpoint.
* success: ``201`` with ``location: api-tokens`` (none for PATs), secrets ``<project>:<env>.<56 hex>`` where
  project is ``*``, the one project or ``[]`` for several; PATs ``user:<56 hex>`` with incrementing ids and
  descriptions unique per user (409 ``NameExistsError``); timestamps as JavaScript's ``toISOString``.
* a minted backend token works on ``GET /api/client/features``, a frontend token on ``GET /api/frontend``.

Seed (constant, so the examples work after every reset): projects ``default`` and ``mobile`` (an Enterprise
server can have several; the open-source one only has ``default``), environments ``development`` and
``production``, the admin API token :data:`ADMIN_API_TOKEN` and the personal access token :data:`PAT` of
user 1 (``admin``). The sandbox's credential is the PAT, so every kind mints with it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from anytoken.devkit.sandbox.model import BadJSONError, Route, SandboxProvider, SandboxRequest, SandboxResponse
from anytoken.devkit.sandbox.state import ProviderState

__all__ = [
    "ADMIN_API_TOKEN",
    "ENVIRONMENTS",
    "PAT",
    "PROJECTS",
    "sandbox_provider",
]

ADMIN_API_TOKEN = "*:*.a11e5a11dbadc0ffee5a11dbadc0ffee5a11dbadc0ffee5a11dbad"
PAT = "user:a11e5ea1a11e5ea1a11e5ea1a11e5ea1a11e5ea1a11e5ea1a11e5ea1"
ADMIN_USER_ID = 1
PROJECTS = ("default", "mobile")
ENVIRONMENTS = ("development", "production")
SECRET_HEX = 56

_TYPE_PATTERN = re.compile(r"^([Cc][Ll][Ii][Ee][Nn][Tt]|[Bb][Aa][Cc][Kk][Ee][Nn][Dd]|[Ff][Rr][Oo][Nn][Tt][Ee][Nn][Dd])$")
_TYPE_PATTERN_TEXT = "^([Cc][Ll][Ii][Ee][Nn][Tt]|[Bb][Aa][Cc][Kk][Ee][Nn][Dd]|[Ff][Rr][Oo][Nn][Tt][Ee][Nn][Dd])$"
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$")
_ONE_OF = (
    'The "/body" property must match exactly one schema in oneOf. The data you provided matches more than one option in '
    "the schema. These options are mutually exclusive. Please refer back to the schema and remove any excess properties."
)
_REFER = "Request validation failed: your request body or params contain invalid data. Refer to the `details` list for more information."
_NO_AUTH = (
    "You must log in to use Unleash. Your request had no authorization header, so we could not authorize you. "
    "Try logging in at /auth/simple/login"
)
_WRONG_TYPE = {"message": "invalid token: expected a different token type for this endpoint"}
_NEEDS_API_TOKEN = {"message": "This endpoint requires an API token. Please add an authorization header to your request with a valid token"}
_CREATED = (("location", "api-tokens"),)


# -- Unleash's shapes -------------------------------------------------------------------------------


def _uuid(state: ProviderState) -> str:
    h = state.new_id("", 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


def _error(
    state: ProviderState | None, status: int, name: str, message: str, details: list[dict[str, str]] | None = None
) -> SandboxResponse:
    """Unleash's error body. ``state`` given: with an ``id`` (errors raised by the HTTP layer carry one,
    errors raised by services do not)."""
    body: dict[str, Any] = {}
    if state is not None:
        body["id"] = _uuid(state)
    body["name"] = name
    body["message"] = message
    body["details"] = details if details is not None else [{"message": message}]
    return SandboxResponse.json(status, body)


def _bad_data(message: str) -> SandboxResponse:
    """A service-level validation failure (no ``id``)."""
    return _error(
        None,
        400,
        "BadDataError",
        f"Request validation failed: your request body or params contain invalid data: {message}",
        [{"message": message}],
    )


def _joi(message: str) -> SandboxResponse:
    """A Joi validation failure (no ``id``, the generic message, the Joi text in ``details``)."""
    return _error(None, 400, "BadDataError", _REFER, [{"message": message}])


def _iso(ts: float) -> str:
    """JavaScript's ``Date.prototype.toISOString``."""
    dt = datetime.fromtimestamp(ts, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _parse_time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00")).timestamp()


def _js(value: Any) -> str:
    """How Unleash quotes the value a caller sent (``JSON.stringify``)."""
    import json

    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# -- auth -------------------------------------------------------------------------------------------


def _presented(request: SandboxRequest) -> str | None:
    value = request.headers.get("authorization", "").strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    return value or None


def _identify(request: SandboxRequest, state: ProviderState) -> tuple[str, dict[str, Any]] | None:
    """(``"api"`` or ``"pat"``, record) for a valid, unexpired credential; None otherwise."""
    secret = _presented(request)
    if secret is None:
        return None
    with state.lock:
        record = state.store["tokens"].get(secret)
        kind = "api"
        if record is None:
            record = state.store["pats"].get(secret)
            kind = "pat"
    if record is None:
        return None
    expires = record.get("expiresAt")
    if expires is not None and _parse_time(expires) <= state.now():
        return None
    return kind, record


def _admin_auth(request: SandboxRequest, state: ProviderState, *, user_only: bool = False) -> SandboxResponse | tuple[str, dict[str, Any]]:
    if _presented(request) is None:
        return SandboxResponse.json(
            401,
            {
                "id": _uuid(state),
                "name": "AuthenticationRequired",
                "message": _NO_AUTH,
                "details": [{"message": _NO_AUTH}],
                "path": "/auth/simple/login",
                "type": "password",
                "defaultHidden": False,
            },
        )
    who = _identify(request, state)
    if who is None:
        return _error(state, 401, "UnauthorizedError", "You must log in to use Unleash.")
    kind, record = who
    if kind == "api" and record["type"] != "admin":
        return SandboxResponse.json(403, _WRONG_TYPE)
    if user_only and kind != "pat":
        return _error(None, 403, "ForbiddenError", "PATs require an authenticated user.")
    return who


def _sdk_auth(request: SandboxRequest, state: ProviderState, types: tuple[str, ...]) -> SandboxResponse | dict[str, Any]:
    who = _identify(request, state)
    if who is None:
        return SandboxResponse.json(401, _NEEDS_API_TOKEN)
    kind, record = who
    if kind != "api" or record["type"] not in types:
        return SandboxResponse.json(403, _WRONG_TYPE)
    return record


# -- body parsing -----------------------------------------------------------------------------------


def _json_body(request: SandboxRequest, state: ProviderState) -> SandboxResponse | Any:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.body and content_type and content_type != "application/json" and not content_type.endswith("+json"):
        message = (
            f"We do not accept the content-type you provided ({content_type}). Try using one of the content-types we do "
            "accept instead (application/json) and make sure the body is in the corresponding format."
        )
        return _error(state, 415, "ContentTypeError", message)
    if not request.body:
        return {}  # express.json() leaves an empty body as {}
    try:
        return request.json()
    except BadJSONError:
        preview = request.body[:40].decode("utf-8", "replace")
        return SandboxResponse.json(400, {"message": f"Unexpected token in JSON: {_js(preview)} is not valid JSON"})


def _schema_problems(body: Any, *, fields: dict[str, str], required: tuple[str, ...]) -> list[dict[str, str]]:
    """AJV's complaint about ``body`` (Unleash runs AJV without ``allErrors``: the first problem only, the
    ``required`` list first, then the properties in the schema's order)."""
    if not isinstance(body, dict):
        return [{"message": f"The `/body` property must be object. You sent {_js(body)}.", "path": "/body"}]
    for name in required:
        if name not in body:
            return [
                {"path": f"/body/{name}", "message": f"The `/body/{name}` property is required. It was not present on the data you sent."}
            ]
    for name, kind in fields.items():
        if name not in body:
            continue
        value = body[name]
        path = f"/body/{name}"
        if kind == "array":
            if not isinstance(value, list):
                return [{"message": f"The `{path}` property must be array. You sent {_js(value)}.", "path": path}]
            for i, item in enumerate(value):
                if not isinstance(item, str):
                    return [{"message": f"The `{path}/{i}` property must be string. You sent {_js(item)}.", "path": f"{path}/{i}"}]
        elif not isinstance(value, str):
            return [{"message": f"The `{path}` property must be string. You sent {_js(value)}.", "path": path}]
        elif kind == "type" and not _TYPE_PATTERN.match(value):
            return [
                {"message": f"The `{path}` property must match pattern {_js(_TYPE_PATTERN_TEXT)}. You sent {_js(value)}.", "path": path}
            ]
        elif kind == "date-time" and not _valid_date_time(value):
            return [{"message": f'The `{path}` property must match format "date-time". You sent {_js(value)}.', "path": path}]
    return []


def _valid_date_time(value: str) -> bool:
    if not _DATE_TIME.match(value):
        return False
    try:
        _parse_time(value)
    except ValueError:
        return False
    return True


_API_TOKEN_FIELDS = {
    "expiresAt": "date-time",
    "type": "type",
    "environment": "string",
    "project": "string",
    "projects": "array",
    "tokenName": "string",
}
_PROJECT_TOKEN_FIELDS = {"type": "type", "environment": "string", "expiresAt": "date-time", "tokenName": "string"}
_PAT_FIELDS = {"description": "string", "expiresAt": "date-time"}


# -- handlers ---------------------------------------------------------------------------------------


def _admin_json_body(request: SandboxRequest, state: ProviderState) -> SandboxResponse | Any:
    """The JSON body of a request an admin token (or a PAT) may make, or the answer refusing it: the
    credential is checked first, as Unleash does."""
    auth = _admin_auth(request, state)
    if isinstance(auth, SandboxResponse):
        return auth
    return _json_body(request, state)


def _mint_api_token(state: ProviderState, body: dict[str, Any], projects: list[str]) -> SandboxResponse:
    token_type = str(body["type"]).lower()
    environment = body.get("environment") or "development"
    if environment not in state.store["environments"]:
        return _bad_data(f"Environment={environment} does not exist")
    for project in projects:
        if project != "*" and project not in state.store["projects"]:
            return _bad_data(f"Project={project} does not exist")
    prefix = projects[0] if len(projects) == 1 else "[]"
    secret = f"{prefix}:{environment}.{state.new_id('', SECRET_HEX)}"
    record: dict[str, Any] = {"tokenName": body["tokenName"], "environment": environment, "projects": list(projects)}
    if body.get("expiresAt") is not None:
        record["expiresAt"] = _iso(_parse_time(body["expiresAt"]))
    record.update(
        {
            "secret": secret,
            "type": token_type,
            "alias": None,
            "project": prefix,
            "createdAt": _iso(state.now()),
            "secure": False,
        }
    )
    with state.lock:
        state.store["tokens"][secret] = record
    return SandboxResponse.json(201, record, _CREATED)


def create_api_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    body = _admin_json_body(request, state)
    if isinstance(body, SandboxResponse):
        return body
    problems = _schema_problems(body, fields=_API_TOKEN_FIELDS, required=("type", "tokenName"))
    if problems:
        if isinstance(body, dict):
            problems.append({"message": _ONE_OF, "path": "/body"})
        return _error(state, 400, "BadDataError", _REFER, problems)
    if not body["tokenName"]:
        return _joi('"tokenName" is not allowed to be empty.')
    projects = body.get("projects")
    if projects is not None and not projects:
        return _joi('"projects" must contain at least 1 items. You provided [].')
    if projects is None:
        # Unleash 8.x drops the singular `project` field: the token is for every project.
        projects = ["*"]
    return _mint_api_token(state, body, projects)


def create_project_api_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    body = _admin_json_body(request, state)
    if isinstance(body, SandboxResponse):
        return body
    problems = _schema_problems(body, fields=_PROJECT_TOKEN_FIELDS, required=("tokenName", "type"))
    if problems:
        return _error(state, 400, "BadDataError", _REFER, problems)
    project_id = request.path_params["projectId"]
    if project_id not in state.store["projects"]:
        return _error(None, 404, "NotFoundError", "No project found")
    if not body["tokenName"]:
        return _joi('"tokenName" is not allowed to be empty.')
    return _mint_api_token(state, body, [project_id])


def create_pat(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    auth = _admin_auth(request, state, user_only=True)
    if isinstance(auth, SandboxResponse):
        return auth
    _, caller = auth
    body = _json_body(request, state)
    if isinstance(body, SandboxResponse):
        return body
    problems = _schema_problems(body, fields=_PAT_FIELDS, required=("description", "expiresAt"))
    if problems:
        return _error(state, 400, "BadDataError", _REFER, problems)
    if not body["description"]:
        return _bad_data("PAT description cannot be empty.")
    expires = _parse_time(body["expiresAt"])
    if expires <= state.now():
        return _bad_data("The expiry date should be in future.")
    user_id = caller["userId"]
    with state.lock:
        if any(p["userId"] == user_id and p["description"] == body["description"] for p in state.store["pats"].values()):
            return _error(None, 409, "NameExistsError", "PAT description already exists.")
        state.store["next_pat_id"] += 1
        pat_id = state.store["next_pat_id"]
        secret = f"user:{state.new_id('', SECRET_HEX)}"
        record = {
            "id": pat_id,
            "description": body["description"],
            "expiresAt": _iso(expires),
            "userId": user_id,
            "createdAt": _iso(state.now()),
            "seenAt": None,
        }
        state.store["pats"][secret] = record
    return SandboxResponse.json(201, {**record, "secret": secret})


def get_client_features(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    record = _sdk_auth(request, state, ("backend", "client"))
    if isinstance(record, SandboxResponse):
        return record
    query: dict[str, Any] = {}
    if record["projects"] != ["*"]:
        query["project"] = list(record["projects"])
    query.update({"environment": record["environment"], "inlineSegmentConstraints": True})
    digest = _query_hash(query)
    return SandboxResponse.json(
        200,
        {"version": 2, "features": [], "query": query, "meta": {"revisionId": 0, "etag": f'"{digest}:0:v1"', "queryHash": digest}},
    )


def get_frontend_features(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    record = _sdk_auth(request, state, ("frontend",))
    if isinstance(record, SandboxResponse):
        return record
    return SandboxResponse.json(200, {"toggles": []})


def health(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    return SandboxResponse.json(200, {"health": "GOOD"})


def _query_hash(query: dict[str, Any]) -> str:
    import hashlib

    return hashlib.sha256(_js(query).encode()).hexdigest()[:8]


# -- the provider -----------------------------------------------------------------------------------


def seed(state: ProviderState) -> None:
    with state.lock:
        state.store["projects"] = set(PROJECTS)
        state.store["environments"] = set(ENVIRONMENTS)
        state.store["tokens"] = {
            ADMIN_API_TOKEN: {
                "tokenName": "admin",
                "environment": "*",
                "projects": ["*"],
                "secret": ADMIN_API_TOKEN,
                "type": "admin",
                "alias": None,
                "project": "*",
                "createdAt": _iso(state.now()),
                "secure": False,
            }
        }
        state.store["pats"] = {
            PAT: {
                "id": 1,
                "description": "anytoken-sandbox",
                "expiresAt": "2100-01-01T00:00:00.000Z",
                "userId": ADMIN_USER_ID,
                "createdAt": _iso(state.now()),
                "seenAt": None,
            }
        }
        state.store["next_pat_id"] = 1


def _revoke_routes() -> list[Route]:
    from ._sandbox_revoke import REVOKE_ROUTES

    return [Route(method, path, handler, op) for method, path, handler, op in REVOKE_ROUTES]


def sandbox_provider() -> SandboxProvider:
    return SandboxProvider(
        name="unleash",
        base_path="/unleash",
        routes=(
            Route("POST", "/api/admin/api-tokens", create_api_token, "createApiToken", creates=True),
            Route("POST", "/api/admin/projects/{projectId}/api-tokens", create_project_api_token, "createProjectApiToken", creates=True),
            Route("POST", "/api/admin/user/tokens", create_pat, "createPat", creates=True),
            Route("GET", "/api/client/features", get_client_features, "getAllClientFeatures"),
            Route("GET", "/api/frontend", get_frontend_features, "getFrontendFeatures"),
            Route("GET", "/health", health, "getHealth"),
            *_revoke_routes(),
        ),
        credentials={"api_token": PAT},
        examples={
            "backend": {"environment": "development", "projects": ["default"]},
            "frontend": {"environment": "production", "project": "default"},
            "personal": {},
        },
        seed=seed,
        not_found={"backend": {"project": "no-such-project"}, "frontend": {"project": "no-such-project"}},
        invalid={
            "backend": {"environment": "staging"},
            "frontend": {"projects": ["default", "no-such-project"]},
            "personal": {"expires_at": "2001-01-01T00:00:00Z"},
        },
    )
