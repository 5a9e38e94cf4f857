"""``anytoken new-plugin``: scaffold a pip-installable provider plugin from an OpenAPI spec.

::

    anytoken new-plugin NAME --spec FILE --operation OPID [--operation ...] [--output DIR]
        [--auth bearer|header:NAME|query:NAME|basic|body:FIELD|none] [--token-field JSON.PATH|text]
        [--expires-field JSON.PATH] [--token-format jwt|opaque[:PREFIX]] [--kind NAME ...]
        [--env VAR] [--base-url URL] [--fixup NAME ...] [--force]

writes ``DIR/anytoken-NAME/`` (``DIR`` defaults to ``./plugins``)::

    pyproject.toml               hatchling; entry point ``anytoken: NAME = anytoken_NAME.plugin:plugin``
    README.md
    specs/NAME.yaml              the spec sliced to the chosen operations (+ NAME.config.yaml)
    src/anytoken_NAME_client/    the client openapi-python-client generates from it (shipped in the wheel)
    src/anytoken_NAME/plugin.py  a GeneratedProvider: declaration, create_token, token/expiry reading
    src/anytoken_NAME/sandbox.py the emulation: 401 / 404 / 400 / 422 checks, success with a signed JWT
    tests/test_NAME_plugin.py       the declaration, the minted tokens' shape
    tests/test_NAME_conformance.py  anytoken.devkit.testing.ProviderConformance
    tests/test_NAME_spec.py         requests and answers against specs/NAME.yaml

What is not given is inferred from the spec: the auth mode from the security scheme (bearer, apiKey in a
header or the query string, HTTP basic) or a key-like body field; typed parameters from path/query/header
parameters and body properties (enums, typed lists, object schemas validated before sending); the token
from the success response (``text/plain``, or a JSON field named like ``access_token``, ``token``,
``secret``, ``value`` ..., also inside envelopes such as ``result.value``); the expiry from a field named
like ``expires_in``/``expires_at`` (else the JWT ``exp``); the success status (200, 201, ``2XX`` ...). Bad input is one line on stderr and exit 2; nothing is
written unless everything succeeded (the plugin is built in a temporary directory, then moved).

Reading, selecting and slicing the spec (and the ``--fixup`` repairs) are ``anytoken.devkit.openapi``'s, shared with
the repository's ``scripts/slice_spec.py``.

The generator is a build-time tool: the scaffold runs ``python -m openapi_python_client`` of this
interpreter (``pip install openapi-python-client==0.29.1``). See ``docs/plugins.md``.
"""

from __future__ import annotations

from anytoken.devkit.scaffold._cli import main

__all__ = ["main"]
