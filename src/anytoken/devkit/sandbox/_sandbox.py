"""The :class:`Sandbox`: providers' emulated routes served on 127.0.0.1, with stats and fault injection."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType, TracebackType
from typing import Any
from urllib.parse import parse_qs

from anytoken.devkit.sandbox._control import CONTROL_PREFIX, control, json_reply
from anytoken.devkit.sandbox._fault_actions import fault_reply
from anytoken.devkit.sandbox._jwt_sign import JWTSigner
from anytoken.devkit.sandbox._redact import mask_body, mask_headers, mask_target
from anytoken.devkit.sandbox._router import Entry, Router, join_path
from anytoken.devkit.sandbox._server import HTTPServer, RawRequest, StreamReply
from anytoken.devkit.sandbox.faults import Fault, FaultTable
from anytoken.devkit.sandbox.model import SandboxProvider, SandboxRequest, SandboxResponse
from anytoken.devkit.sandbox.state import ProviderState

__all__ = ["CONTROL_PREFIX", "Sandbox"]

logger = logging.getLogger("anytoken.devkit.sandbox")

_EMPTY_QUERY: Mapping[str, list[str]] = MappingProxyType({})


def _registry_providers() -> list[SandboxProvider]:
    from anytoken.devkit.sandbox._plugins import sandbox_providers

    return sandbox_providers()


def _chosen_providers(providers: Sequence[SandboxProvider | str] | None) -> list[SandboxProvider]:
    """The emulations to serve: every installed one (None), or those given, each by object or by name."""
    if providers is None:
        return _registry_providers()
    if all(not isinstance(p, str) for p in providers):
        return list(providers)  # type: ignore[arg-type]
    installed = {p.name: p for p in _registry_providers()}
    missing = [p for p in providers if isinstance(p, str) and p not in installed]
    if missing:
        from anytoken.errors import UsageError

        raise UsageError(f"providers: no sandbox for {', '.join(map(repr, missing))}. Available: {', '.join(sorted(installed)) or 'none'}")
    return [installed[p] if isinstance(p, str) else p for p in providers]


def _provider_info(name: str) -> Any:
    try:
        from anytoken.plugins import default_registry

        return default_registry().provider(name)
    except Exception:  # the core may be unfinished, or the provider undeclared: fall back to conventions
        return None


def _env_name(*parts: str) -> str:
    return "_".join(p.upper().replace("-", "_") for p in parts if p)


class Sandbox:
    """A local emulator of token providers.

    ``providers``: the emulations to serve (None: every installed plugin's, via the plugin registry), as
    :class:`SandboxProvider` objects or installed providers' names (``Sandbox(providers=["clerk"])``).
    ``port=0`` picks a free port. ``seed`` makes ids and the HMAC signing key deterministic. ``clock``
    is what handlers see as ``state.now()``. Use it as a context manager (background thread), or
    ``start()``/``stop()``, or ``serve_forever()`` in the foreground.
    """

    def __init__(
        self,
        providers: Sequence[SandboxProvider | str] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int | None = None,
        clock: Callable[[], float] = time.time,
        log_requests: bool = False,
        max_body_bytes: int = 10 * 1024 * 1024,
    ) -> None:
        chosen = _chosen_providers(providers)
        self.host = host
        self._requested_port = port
        self.port = 0
        self.seed = seed
        self.log_requests = log_requests
        self.max_body_bytes = max_body_bytes
        key = hashlib.sha256(f"anytoken-sandbox:{seed}".encode()).digest() if seed is not None else None
        self.signer = JWTSigner(key)
        self.faults = FaultTable()
        self._providers: dict[str, SandboxProvider] = {}
        self._states: dict[str, ProviderState] = {}
        self._router = Router()
        self._unmatched = 0
        self._total = 0
        for provider in chosen:
            self._add_provider(provider, clock)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop_event: asyncio.Event | None = None
        self._server: HTTPServer | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        for name in self._providers:
            self._seed_provider(name)

    def _add_provider(self, provider: SandboxProvider, clock: Callable[[], float]) -> None:
        if provider.name in self._providers:
            raise ValueError(f"sandbox provider {provider.name!r} given twice")
        base = join_path(provider.base_path, "/")
        if base == CONTROL_PREFIX or base.startswith(CONTROL_PREFIX + "/"):
            raise ValueError(f"provider {provider.name!r}: base path {provider.base_path!r} is reserved")
        for alg in provider.jwt_algorithms:
            self.signer.require(alg, provider.name)  # a missing dependency fails here, not as a 500 from a route
        state = ProviderState(provider.name, provider.credentials, signer=self.signer, clock=clock, seed=self.seed)
        self._providers[provider.name] = provider
        self._states[provider.name] = state
        for route in provider.routes:
            self._router.add(provider.base_path, Entry(provider.name, route, state))

    def _seed_provider(self, name: str) -> None:
        provider = self._providers[name]
        if provider.seed is not None:
            provider.seed(self._states[name])

    # -- description --------------------------------------------------------------------------------
    @property
    def providers(self) -> list[str]:
        return list(self._providers)

    @property
    def url(self) -> str:
        """The root URL (``http://127.0.0.1:PORT``); the sandbox must be listening."""
        if not self.port:
            raise RuntimeError("the sandbox is not listening: call start() or use it as a context manager")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def provider(self, name: str) -> SandboxProvider:
        """The emulation of ``name`` (its routes, seed keys, examples, not-found and invalid inputs)."""
        return self._provider(name)

    def _provider(self, name: str) -> SandboxProvider:
        try:
            return self._providers[name]
        except KeyError:
            available = ", ".join(sorted(self._providers)) or "none"
            raise KeyError(f"sandbox provider {name!r} not found. Available providers: {available}") from None

    def state(self, provider: str) -> ProviderState:
        self._provider(provider)
        return self._states[provider]

    def base_url(self, provider: str) -> str:
        """Where ``provider`` is served, e.g. ``http://127.0.0.1:PORT/telnyx/v2``."""
        base = join_path(self._provider(provider).base_path, "/")
        return self.url + ("" if base == "/" else base)

    def credentials(self, provider: str) -> dict[str, str]:
        return dict(self._provider(provider).credentials)

    def examples(self, provider: str) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self._provider(provider).examples.items()}

    def env(self) -> dict[str, str]:
        """Environment variables pointing an app at this sandbox: credentials and base URLs."""
        out: dict[str, str] = {}
        for name, provider in self._providers.items():
            info = _provider_info(name)
            fields = {c.name: c for c in getattr(info, "credentials", ()) or ()}
            for field, value in provider.credentials.items():
                declared = fields.get(field)
                env_names = tuple(getattr(declared, "env", ()) or ())
                out[env_names[0] if env_names else _env_name(name, field)] = value
            base_env = getattr(info, "base_url_env", None) or _env_name(name, "BASE_URL")
            out[base_env] = self.base_url(name)
        return out

    def client(self, **kwargs: Any) -> Any:
        """An ``anytoken.Client`` wired to this sandbox (``kwargs`` go to the client)."""
        import anytoken

        base_urls = {name: self.base_url(name) for name in self._providers}
        base_urls.update(kwargs.pop("base_urls", None) or {})
        creds: dict[str, Any] = {name: dict(p.credentials) for name, p in self._providers.items()}
        creds.update(kwargs.pop("credentials", None) or {})
        return anytoken.Client(base_urls=base_urls, credentials=creds, **kwargs)

    def info(self) -> dict[str, Any]:
        """JSON-describable summary (``GET /_sandbox``)."""
        return {
            "url": self.url if self.port else None,
            "providers": {
                name: {
                    "base_url": self.base_url(name) if self.port else None,
                    "base_path": join_path(p.base_path, "/"),
                    "credentials": dict(p.credentials),
                    "examples": {k: dict(v) for k, v in p.examples.items()},
                    "routes": [
                        {"method": r.method.upper(), "path": r.path, "operation_id": r.operation_id, "creates": r.creates} for r in p.routes
                    ],
                }
                for name, p in self._providers.items()
            },
        }

    # -- stats, reset, faults -----------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """``{"providers": {name: {"requests": {op: n}, "created": {op: n}}}, "total": n, "unmatched": n,
        "faults_applied": n}``."""
        return {
            "providers": {name: state._stats() for name, state in self._states.items()},
            "total": self._total,
            "unmatched": self._unmatched,
            "faults_applied": self.faults.applied,
        }

    def created(self, provider: str, operation_id: str | None = None) -> int:
        return self.state(provider).created(operation_id)

    def requests(self, provider: str, operation_id: str | None = None) -> int:
        return self.state(provider).requests(operation_id)

    def reset(self) -> None:
        """Back to a fresh state: resources dropped and re-seeded, counters zeroed, faults cleared."""
        self._call_in_loop(self._reset_now)

    def _reset_now(self) -> None:
        self.faults.clear()
        self.faults.applied = 0
        self._unmatched = 0
        self._total = 0
        for name, state in self._states.items():
            state._reset()
            self._seed_provider(name)

    def _call_in_loop(self, fn: Callable[[], None]) -> None:
        loop = self._loop
        if loop is None or not loop.is_running() or self._thread is threading.current_thread():
            fn()
            return
        done = threading.Event()
        error: list[BaseException] = []

        def run() -> None:
            try:
                fn()
            except BaseException as exc:  # pragma: no cover - re-raised in the caller
                error.append(exc)
            finally:
                done.set()

        loop.call_soon_threadsafe(run)
        done.wait(10)
        if error:
            raise error[0]

    def inject(self, provider: str, operation_id: str, fault: Fault, times: int | None = None) -> int:
        """Arm ``fault`` for ``provider``'s ``operation_id`` (either may be ``"*"``) for ``times`` requests
        (None: until cleared). Returns the fault's id (for :meth:`remove_fault`)."""
        if provider != "*":
            self._provider(provider)
            if operation_id != "*" and operation_id not in {r.operation_id for r in self._providers[provider].routes}:
                known = ", ".join(sorted(r.operation_id for r in self._providers[provider].routes))
                raise KeyError(f"provider {provider!r} has no operation {operation_id!r}. Known: {known}")
        return self.faults.add(provider, operation_id, fault, times)

    def remove_fault(self, fault_id: int) -> bool:
        return self.faults.remove(fault_id)

    def clear_faults(self) -> None:
        self.faults.clear()

    # -- JWT helpers --------------------------------------------------------------------------------
    def verify_jwt(self, token: str) -> dict[str, Any]:
        """Claims of a JWT this sandbox signed (raises ``JWTVerificationError`` otherwise)."""
        return self.signer.verify(token)

    def jwks(self) -> dict[str, Any]:
        return self.signer.jwks()

    # -- request handling ---------------------------------------------------------------------------
    async def _app(self, raw: RawRequest) -> SandboxResponse | StreamReply:
        target = raw.target
        path, _, qs = target.partition("?")
        if path.startswith(CONTROL_PREFIX) and (len(path) == len(CONTROL_PREFIX) or path[len(CONTROL_PREFIX)] == "/"):
            reply = control(self, raw.method, path, raw.body)  # never counted, never faulted
            if self.log_requests:
                self._log(raw, reply.status, None)
            return reply
        self._total += 1
        match = self._router.match(raw.method, path)
        if match is None or isinstance(match, list):
            self._unmatched += 1
            if match is None:
                reply = json_reply(404, {"error": "not_found", "message": f"No sandbox route for {raw.method} {path}"})
            else:
                reply = json_reply(
                    405,
                    {"error": "method_not_allowed", "message": f"{raw.method} not allowed on {path}", "allowed": match},
                    (("allow", ", ".join(match)),),
                )
            if self.log_requests:
                self._log(raw, reply.status, None)
            return reply
        entry, params = match
        route = entry.route
        state: ProviderState = entry.state
        state._count_request(route.operation_id)
        fault = self.faults.take(entry.provider, route.operation_id) if self.faults else None
        request = SandboxRequest(
            raw.method,
            path,
            params,
            parse_qs(qs, keep_blank_values=True) if qs else _EMPTY_QUERY,
            raw.headers,
            raw.body,
        )
        if fault is None:
            response = self._run_handler(entry, request)
            if self.log_requests:
                self._log(raw, response.status, None)
            return response
        response_or_none = self._run_handler(entry, request) if fault.runs_handler else None
        stream = fault_reply(fault, response_or_none)
        if self.log_requests:
            self._log(raw, stream.status, fault)
        return stream

    def _run_handler(self, entry: Entry, request: SandboxRequest) -> SandboxResponse:
        route = entry.route
        state: ProviderState = entry.state
        state._created_in_request = 0
        state._counted_in_request = False
        try:
            response = route.handler(request, state)
        except Exception as exc:
            logger.exception("sandbox handler %s.%s crashed", entry.provider, route.operation_id)
            return json_reply(500, {"error": "handler_crashed", "message": f"{type(exc).__name__} in {route.operation_id}"})
        if not isinstance(response, SandboxResponse):
            return json_reply(
                500,
                {"error": "bad_handler", "message": f"{route.operation_id} returned {type(response).__name__}"},
            )
        if route.creates and 200 <= response.status < 300 and not state._counted_in_request:
            state.count_created(route.operation_id)
        return response

    def _log(self, raw: RawRequest, status: int, fault: Fault | None) -> None:
        logger.info(
            "%s %s -> %s%s headers=%s body=%s",
            raw.method,
            mask_target(raw.target),
            status or "-",
            f" (fault {fault.kind})" if fault is not None else "",
            mask_headers(raw.headers),
            mask_body(raw.body),
        )

    # -- lifecycle ----------------------------------------------------------------------------------
    async def _serve(self, ready: Callable[[], None], install_signals: bool = False) -> None:
        self._stop_event = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        server = HTTPServer(self._app, max_body_bytes=self.max_body_bytes, on_error=self._on_server_error)
        await server.start(self.host, self._requested_port)
        self._server = server
        self.port = server.port
        for name, state in self._states.items():
            state.base_url = self.base_url(name)
        if install_signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    self._loop.add_signal_handler(sig, self._stop_event.set)
        ready()
        try:
            await self._stop_event.wait()
        finally:
            await server.close()
            self._server = None

    @staticmethod
    def _on_server_error(exc: BaseException) -> None:  # pragma: no cover - defensive
        logger.error("sandbox connection failed: %s: %s", type(exc).__name__, exc)

    def start(self) -> Sandbox:
        """Serve in a background daemon thread; returns once it listens."""
        if self._thread is not None and self._thread.is_alive():
            return self
        self._ready.clear()
        self._startup_error = None
        self._thread = threading.Thread(target=self._thread_main, name="anytoken-sandbox", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._startup_error is not None:
            error, self._startup_error = self._startup_error, None
            self._thread.join()
            self._thread = None
            raise error
        return self

    def _thread_main(self) -> None:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self._serve(self._ready.set))
        except BaseException as exc:
            self._startup_error = exc
        finally:
            self._ready.set()
            loop.close()
            self._loop = None

    def stop(self) -> None:
        """Stop serving and close every connection (idempotent)."""
        thread, loop, event = self._thread, self._loop, self._stop_event
        if thread is None:
            return
        if loop is not None and event is not None and loop.is_running():
            loop.call_soon_threadsafe(event.set)
        thread.join(10)
        self._thread = None
        self.port = 0

    def serve_forever(self, on_ready: Callable[[Sandbox], None] | None = None) -> None:
        """Serve in the current thread until SIGINT/SIGTERM (or :meth:`stop` from another thread)."""

        def ready() -> None:
            self._ready.set()
            if on_ready is not None:
                on_ready(self)

        try:
            asyncio.run(self._serve(ready, install_signals=threading.current_thread() is threading.main_thread()))
        except KeyboardInterrupt:
            pass
        finally:
            self._loop = None
            self.port = 0

    def shutdown(self) -> None:
        """Ask a sandbox running :meth:`serve_forever` (in another thread) to stop."""
        loop, event = self._loop, self._stop_event
        if loop is not None and event is not None:
            loop.call_soon_threadsafe(event.set)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self.port else "not listening"
        return f"Sandbox({where}, providers={self.providers!r})"
