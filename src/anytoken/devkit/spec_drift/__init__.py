"""Spec drift: how our OpenAPI spec for a provider differs from the provider's published one.

Build-time tooling, never imported by the token-minting runtime. It lives in the installed package (like
:mod:`anytoken.devkit.openapi`) so that the authors of third-party plugins have the same check for their own
spec as the repository's ``scripts/spec_drift.py``::

    python -m anytoken.devkit.spec_drift myprovider --upstream https://example.com/openapi.yaml [--ours specs/myprovider.yaml]

In code::

    report = compare_documents(read_document("specs/clerk.yaml"), read_document("upstream.yml"))
    report.breaking                      # any breaking finding not covered by accepted drift
    [f.message for f in report.findings]

Every operation of ours is matched with upstream's by method and path (templates compared by position:
``{id}`` matches ``{credential_id}``), else by operationId. Parameters, request bodies, responses (status
codes, range codes, headers and the fields our response schemas declare: those are the ones the generated
client parses, so the ones the plugin reads), content types and security (resolved through
``securitySchemes``) are compared with ``$ref``/``allOf`` resolved on both sides. Each :class:`Finding` is
breaking, additive or cosmetic and names the JSON path on both sides. See docs/pipeline.md.
"""

from __future__ import annotations

from anytoken.devkit.spec_drift._cli import main
from anytoken.devkit.spec_drift._findings import ADDITIVE, BREAKING, COSMETIC, READ, SEND, Finding
from anytoken.devkit.spec_drift._operations import Report, compare_documents, normalise_path
from anytoken.devkit.spec_drift._report import Accepted, apply_accepted, load_accepted, render_json, render_text
from anytoken.devkit.spec_drift._schema import SchemaComparer, flatten, type_set

__all__ = [
    "ADDITIVE",
    "BREAKING",
    "COSMETIC",
    "READ",
    "SEND",
    "Accepted",
    "Finding",
    "Report",
    "SchemaComparer",
    "apply_accepted",
    "compare_documents",
    "flatten",
    "load_accepted",
    "main",
    "normalise_path",
    "render_json",
    "render_text",
    "type_set",
]
