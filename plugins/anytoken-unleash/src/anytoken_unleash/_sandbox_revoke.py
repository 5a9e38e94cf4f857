"""The sandbox's Unleash deletion routes, as a real unleash-server 8.2.0 answers them.

* ``DELETE /api/admin/api-tokens/{token}`` (the secret, URL-decoded by the router): 200 with no body, also for
  an unknown token ("returns a 200 OK, but does nothing").
* ``DELETE /api/admin/projects/{projectId}/api-tokens/{token}``: 200 with no body; the token is deleted
  only when it belongs to that project; 404 ``No project found`` for an unknown project.
* ``DELETE /api/admin/user/tokens/{id}``: 200 with no body; a user deletes only their own PATs (another
  user's id, or an unknown one, is a 200 that does nothing); an admin API token gets 403 (no user).

After deletion the SDK endpoints answer 401 for that secret (the record is gone), as the real server does.
"""

from __future__ import annotations

from collections.abc import Callable

from anytoken.devkit.sandbox.model import SandboxRequest, SandboxResponse
from anytoken.devkit.sandbox.state import ProviderState

from .sandbox import _admin_auth, _error

__all__ = ["REVOKE_ROUTES"]

_EMPTY = SandboxResponse.empty(200)


def delete_api_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    auth = _admin_auth(request, state)
    if isinstance(auth, SandboxResponse):
        return auth
    secret = request.path_params["token"]
    with state.lock:
        record = state.store["tokens"].get(secret)
        if record is not None and record["type"] != "admin":
            del state.store["tokens"][secret]
    return _EMPTY


def delete_project_api_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    auth = _admin_auth(request, state)
    if isinstance(auth, SandboxResponse):
        return auth
    project, secret = request.path_params["projectId"], request.path_params["token"]
    if project not in state.store["projects"]:
        return _error(None, 404, "NotFoundError", "No project found")
    with state.lock:
        record = state.store["tokens"].get(secret)
        if record is not None and record["type"] != "admin" and record["projects"] == [project]:
            del state.store["tokens"][secret]
    return _EMPTY


def delete_pat(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    auth = _admin_auth(request, state, user_only=True)
    if isinstance(auth, SandboxResponse):
        return auth
    _, caller = auth
    raw = request.path_params["id"]
    if not raw.isdigit():
        return _error(None, 400, "BadDataError", f"Request validation failed: the id {raw!r} is not a number")
    with state.lock:
        pats = state.store["pats"]
        for secret, record in list(pats.items()):
            if record["id"] == int(raw) and record["userId"] == caller["userId"]:
                del pats[secret]
    return _EMPTY


REVOKE_ROUTES: tuple[tuple[str, str, Callable[[SandboxRequest, ProviderState], SandboxResponse], str], ...] = (
    ("DELETE", "/api/admin/api-tokens/{token}", delete_api_token, "deleteApiToken"),
    ("DELETE", "/api/admin/projects/{projectId}/api-tokens/{token}", delete_project_api_token, "deleteProjectApiToken"),
    ("DELETE", "/api/admin/user/tokens/{id}", delete_pat, "deletePat"),
)
