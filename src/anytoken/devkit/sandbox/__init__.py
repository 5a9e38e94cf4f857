"""A local emulator of token providers: real HTTP on 127.0.0.1, fake keys, real signed JWTs.

Plugins contribute :class:`SandboxProvider` emulations (``anytoken_sandbox_providers``, a hook of
:mod:`anytoken.devkit.hookspecs`; :func:`sandbox_providers` collects them); the
:class:`Sandbox` serves them, counts requests and created resources, and injects faults (:class:`Fault`).
See ``docs/sandbox.md``.
"""

from __future__ import annotations

from anytoken.devkit.sandbox._cli import main
from anytoken.devkit.sandbox._jwt_sign import JWTSigner, JWTVerificationError
from anytoken.devkit.sandbox._plugins import sandbox_providers
from anytoken.devkit.sandbox._sandbox import Sandbox
from anytoken.devkit.sandbox.faults import FAULT_KINDS, Fault, InjectedFault, drop_token_fields
from anytoken.devkit.sandbox.model import BadJSONError, Handler, Route, SandboxProvider, SandboxRequest, SandboxResponse
from anytoken.devkit.sandbox.state import ProviderState

#: Alias: handlers receive a :class:`ProviderState` ("SandboxState" is the name ``model.py`` uses).
SandboxState = ProviderState

__all__ = [
    "FAULT_KINDS",
    "BadJSONError",
    "Fault",
    "Handler",
    "InjectedFault",
    "JWTSigner",
    "JWTVerificationError",
    "ProviderState",
    "Route",
    "Sandbox",
    "SandboxProvider",
    "SandboxRequest",
    "SandboxResponse",
    "SandboxState",
    "drop_token_fields",
    "main",
    "sandbox_providers",
]
