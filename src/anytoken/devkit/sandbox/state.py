"""What a sandbox route handler receives next to the request: :class:`ProviderState`.

One state per provider per sandbox. Handlers run on the sandbox's event-loop thread one at a time, but
tests read ``store`` from other threads: take ``state.lock`` around multi-step updates.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from anytoken.devkit.sandbox._jwt_sign import JWTSigner

__all__ = ["ProviderState"]


class ProviderState:
    """A provider's emulated server-side state.

    ``name``: the provider. ``credentials``: credential field -> the value the sandbox accepts.
    ``store``: free-form resources (credentials, sessions, tokens ...) keyed as the handlers like.
    ``base_url``: where the provider is served (empty until the sandbox listens).
    """

    def __init__(
        self,
        name: str,
        credentials: Mapping[str, str],
        *,
        signer: JWTSigner | None = None,
        clock: Callable[[], float] = time.time,
        seed: int | None = None,
    ) -> None:
        self.name = name
        self.credentials: dict[str, str] = dict(credentials)
        self.store: dict[str, Any] = {}
        self.lock = threading.RLock()
        self.base_url = ""
        self.signer = signer if signer is not None else JWTSigner()
        self._clock = clock
        self._seed = seed
        self._rng: random.Random | None = None
        self._requests: dict[str, int] = {}
        self._created: dict[str, int] = {}
        self._created_in_request = 0
        self._counted_in_request = False
        self._reset_rng()

    def _reset_rng(self) -> None:
        if self._seed is None:
            self._rng = None
        else:
            digest = hashlib.sha256(f"{self._seed}:{self.name}".encode()).digest()
            self._rng = random.Random(int.from_bytes(digest[:8], "big"))

    # -- auth ---------------------------------------------------------------------------------------
    def authorized(self, value: str | None, field: str) -> bool:
        """Whether ``value`` is the sandbox's valid value of credential ``field`` (constant-time)."""
        expected = self.credentials.get(field)
        if value is None or expected is None:
            return False
        return hmac.compare_digest(value.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))

    # -- ids and time -------------------------------------------------------------------------------
    def new_id(self, prefix: str = "", hex_len: int = 32) -> str:
        """``prefix`` + ``hex_len`` random hex digits (deterministic when the sandbox has a seed)."""
        if hex_len <= 0:
            return prefix
        if self._rng is not None:
            with self.lock:
                value = self._rng.getrandbits(hex_len * 4)
            return f"{prefix}{value:0{hex_len}x}"
        return prefix + secrets.token_hex((hex_len + 1) // 2)[:hex_len]

    def now(self) -> float:
        """Seconds since the epoch, from the sandbox's clock."""
        return self._clock()

    def now_ms(self) -> int:
        """Milliseconds since the epoch (Clerk-style timestamps)."""
        return int(self._clock() * 1000)

    # -- counters -----------------------------------------------------------------------------------
    def count_created(self, operation_id: str, n: int = 1) -> None:
        """Record that ``operation_id`` created ``n`` persistent resources (read by ``Sandbox.stats()``).

        Routes declared with ``creates=True`` are counted automatically on a 2xx answer unless the handler
        called this during the request.
        """
        with self.lock:
            self._created[operation_id] = self._created.get(operation_id, 0) + n
            self._created_in_request += n
            self._counted_in_request = True  # even n=0: "this request created nothing" is an answer too

    def created(self, operation_id: str | None = None) -> int:
        """How many resources ``operation_id`` (or every operation) created."""
        with self.lock:
            if operation_id is None:
                return sum(self._created.values())
            return self._created.get(operation_id, 0)

    def requests(self, operation_id: str | None = None) -> int:
        """How many requests reached ``operation_id`` (or any operation of this provider)."""
        with self.lock:
            if operation_id is None:
                return sum(self._requests.values())
            return self._requests.get(operation_id, 0)

    def _count_request(self, operation_id: str) -> None:
        with self.lock:
            self._requests[operation_id] = self._requests.get(operation_id, 0) + 1

    def _stats(self) -> dict[str, Any]:
        with self.lock:
            return {"requests": dict(self._requests), "created": dict(self._created)}

    def _reset(self) -> None:
        with self.lock:
            self.store.clear()
            self._requests.clear()
            self._created.clear()
            self._created_in_request = 0
            self._reset_rng()

    # -- JWTs ---------------------------------------------------------------------------------------
    def sign_jwt(self, claims: dict[str, Any], *, alg: str = "HS256", kid: str | None = None) -> str:
        """A real JWT signed with the sandbox's key (``HS256``, ``HS512`` or ``RS256``)."""
        return self.signer.sign(claims, alg=alg, kid=kid)

    def verify_jwt(self, token: str) -> dict[str, Any]:
        """The claims of a JWT this sandbox signed; raises ``JWTVerificationError`` otherwise."""
        return self.signer.verify(token)

    def jwks(self) -> dict[str, Any]:
        """The public JWK set of the sandbox's RS256 key."""
        return self.signer.jwks()

    def __repr__(self) -> str:
        return f"ProviderState(name={self.name!r}, resources={len(self.store)})"
