"""RFC 7009 revocation of a minted token, at the endpoint its authorization server advertised.

Like :func:`~._flow.token_flow`, a generator yielding :class:`~._discovery.Http` requests, so the sync and
the async hooks share it. The token's metadata says where it came from (``revocation_endpoint``,
``token_endpoint``, ``token_endpoint_auth_method``, ``issuer``); nothing secret is kept there.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from anytoken.errors import NotRevocableError
from anytoken.tokens import RevokeRequest

from ._auth import authenticate, choose_method
from ._discovery import Http, discover
from ._flow import check_endpoint
from ._result import token_error

__all__ = ["revoke_flow"]


def _not_revocable(request: RevokeRequest, why: str) -> NotRevocableError:
    return NotRevocableError(
        f"{request.provider}/{request.kind} token cannot be revoked: {why} (it stays valid until it expires)",
        provider=request.provider,
        kind=request.kind,
    )


def revoke_flow(request: RevokeRequest) -> Generator[Http, Any, bool]:
    from anytoken_oauth2_client.api.revocation import revoke_token
    from anytoken_oauth2_client.models import RevocationRequest

    meta = request.token.metadata
    endpoint = meta.get("revocation_endpoint")
    token_endpoint = meta.get("token_endpoint")
    if not isinstance(endpoint, str) and isinstance(meta.get("issuer"), str) and meta.get("issuer"):
        metadata = yield from discover(request, str(meta["issuer"]))
        endpoint = getattr(metadata, "revocation_endpoint", None)
    if not isinstance(endpoint, str) or not endpoint:
        raise _not_revocable(request, "the authorization server advertises no revocation_endpoint (RFC 7009)")
    issuer = meta.get("issuer") if isinstance(meta.get("issuer"), str) else token_endpoint if isinstance(token_endpoint, str) else None
    endpoint = check_endpoint(request, endpoint, issuer, "revocation_endpoint")
    used = meta.get("token_endpoint_auth_method")
    method = used if isinstance(used, str) else choose_method(request, None)
    headers, auth_fields = authenticate(request, method, token_endpoint if isinstance(token_endpoint, str) else endpoint)
    body = RevocationRequest.from_dict({"token": request.token.value, "token_type_hint": "access_token", **auth_fields})
    kwargs = revoke_token._get_kwargs(body=body)
    kwargs["url"] = endpoint
    kwargs["headers"] = {**kwargs["headers"], **headers}
    response = yield Http(kwargs)
    status = int(response.status_code)
    if status == 200:
        return True
    if status == 503 and b"unsupported_token_type" in response.content[:2000]:
        raise _not_revocable(request, "the server does not revoke access tokens (unsupported_token_type, RFC 7009 §2.2.1)")
    raise token_error(request, response, method)
