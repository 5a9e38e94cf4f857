"""Argument parsing and the build-in-a-temp-dir-then-move orchestration of ``anytoken new-plugin``."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

from anytoken.devkit import openapi
from anytoken.devkit.scaffold._analyze import AUTH_CHOICES, Auth, PluginModel, analyze_operation, base_url_of, ensure_query_key, infer_auth
from anytoken.devkit.scaffold._errors import ScaffoldError
from anytoken.devkit.scaffold._generate import generator_command, locate, require_generator, run_generator
from anytoken.devkit.scaffold._render import render

PROG = "anytoken new-plugin"
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_ENV = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_CONFIG = """# openapi-python-client options for the {name} client (see the plugin README to regenerate)
project_name_override: anytoken-{name}-client
package_name_override: {package}
literal_enums: true
post_hooks:
  - ruff check --no-cache --no-respect-gitignore --fix-only .
  - ruff format --no-cache --no-respect-gitignore .
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise ScaffoldError(f"{message} (see `{PROG} --help`)")


def _parser() -> _Parser:
    p = _Parser(
        prog=PROG,
        description="Scaffold a pip-installable anytoken provider plugin (generated client, plugin, sandbox routes, tests) from an OpenAPI spec.",
    )
    p.add_argument("name", help="provider name (lowercase letters, digits, '-'); the distribution is anytoken-NAME")
    p.add_argument("--spec", required=True, type=Path, help="OpenAPI 3 document (YAML or JSON)")
    p.add_argument(
        "--operation",
        "-p",
        action="append",
        required=True,
        metavar="OPID",
        help="operationId or 'METHOD /path' that mints a token (repeatable; one kind each)",
    )
    p.add_argument("--output", "-o", type=Path, default=Path("plugins"), help="directory to create anytoken-NAME/ in (default: ./plugins)")
    p.add_argument("--auth", help=f"how the key is sent: {AUTH_CHOICES} (default: from the spec's security scheme)")
    p.add_argument("--token-field", metavar="JSON.PATH", help="dotted path of the token in the JSON answer, or 'text' (default: inferred)")
    p.add_argument(
        "--expires-field", metavar="JSON.PATH", help="dotted path of the expiry in the answer (default: inferred, else the JWT exp)"
    )
    p.add_argument(
        "--token-format",
        metavar="jwt|opaque[:PREFIX]",
        help="what the provider's token looks like, for the sandbox (default: from the token field's example/pattern, else jwt)",
    )
    p.add_argument(
        "--kind",
        action="append",
        default=[],
        metavar="NAME",
        help="token kind name of each --operation, in order (default: from the operationId, e.g. installation_access_token)",
    )
    p.add_argument(
        "--env", metavar="VAR", help="environment variable of the API key or basic password (default: NAME_API_KEY / NAME_PASSWORD)"
    )
    p.add_argument("--base-url", metavar="URL", help="default base URL (default: the spec's first server)")
    p.add_argument(
        "--fixup",
        action="append",
        default=[],
        choices=sorted(openapi.FIXUPS),
        metavar="NAME",
        help=f"apply a declared fix-up to the sliced spec (repeatable): {', '.join(openapi.FIXUPS)}",
    )
    p.add_argument("--force", action="store_true", help="replace an existing anytoken-NAME directory")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``anytoken new-plugin``; returns the exit status (0 ok, 1 generation failed, 2 bad input)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list in ([], ["-h"], ["--help"]) or "-h" in args_list or "--help" in args_list:
            _parser().print_help()
            return 0 if args_list else 2
        target = scaffold(_parser().parse_args(args_list), args_list)
    except ScaffoldError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except openapi.SpecError as exc:  # an unreadable, unselectable or unsliceable spec: bad input
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    print(f"created {target}")
    return 0


def _check_args(args: argparse.Namespace) -> None:
    if not _NAME.match(args.name) or len(args.name) > 40:
        raise ScaffoldError(f"provider name {args.name!r} must be lowercase letters and digits, words joined by '-'")
    from anytoken.plugins import BUILTIN_PROVIDERS

    if args.name in BUILTIN_PROVIDERS:
        raise ScaffoldError(f"{args.name!r} is a built-in provider name (reserved for {BUILTIN_PROVIDERS[args.name]}); choose another name")
    if args.env is not None and not _ENV.match(args.env):
        raise ScaffoldError(f"--env {args.env!r}: expected an upper-case environment variable name")
    if args.base_url is not None:
        parts = urlsplit(args.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ScaffoldError(f"--base-url {args.base_url!r}: expected an http(s) URL")
    if args.token_format is not None and not re.fullmatch(r"jwt|opaque(:[A-Za-z0-9_\-.]{0,20})?", args.token_format):
        raise ScaffoldError(f"--token-format {args.token_format!r}: expected jwt, opaque or opaque:PREFIX (e.g. opaque:ghs_)")
    if args.token_format == "opaque":
        args.token_format = "opaque:"
    if len(args.kind) > len(args.operation):
        raise ScaffoldError(
            f"--kind is given {len(args.kind)} times for {len(args.operation)} --operation(s): one name per operation, in order"
        )
    for kind in args.kind:
        if not re.fullmatch(r"[a-z][a-z0-9_\-]{0,59}", kind):
            raise ScaffoldError(f"--kind {kind!r}: expected lowercase letters, digits, '_' or '-' (e.g. installation_token)")
    for flag in ("token_field", "expires_field"):
        value = getattr(args, flag)
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_\-$]+(\.[A-Za-z0-9_\-$]+)*", value):
            raise ScaffoldError(f"--{flag.replace('_', '-')} {value!r}: expected a dotted path such as data.accessToken")


def validate(doc: dict[str, Any], source: str) -> None:
    """Check the document with openapi-spec-validator when it is installed (it is optional)."""
    try:
        validator: Any = importlib.import_module("openapi_spec_validator")
    except ImportError:
        return
    try:
        validator.validate(doc)
    except Exception as exc:
        message = str(getattr(exc, "message", None) or exc).splitlines()[0]
        where = "/".join(str(p) for p in getattr(exc, "path", ()) or ())
        raise ScaffoldError(f"{source}: invalid OpenAPI document{f' at {where}' if where else ''}: {message[:300]}") from None


def build_model(args: argparse.Namespace) -> tuple[PluginModel, dict[str, object], list[openapi.Operation]]:
    """Read, check and slice the spec; infer the plugin. Raises ScaffoldError or SpecError on bad input."""
    doc = openapi.as_json(openapi.read_document(args.spec))  # JSON types: response codes as strings
    validate(doc, str(args.spec))
    operations = openapi.select_operations(doc, args.operation, str(args.spec))
    for op in operations:
        if op.operation_id is None:
            raise ScaffoldError(f"{op.label} in {args.spec} has no operationId; add one (the generated module is named after it)")
    sliced = openapi.slice_document(doc, operations)
    for change in openapi.apply_fixups(sliced, args.fixup):
        print(f"fixed {change}", file=sys.stderr)
    # the sliced copy's operations: a query-string key becomes a declared parameter there
    operations = openapi.select_operations(sliced, [op.key for op in operations], str(args.spec))
    auth = Auth.parse(args.auth) if args.auth else infer_auth(sliced, operations[0])
    for op in operations:
        ensure_query_key(sliced, op, auth)
    models = [analyze_operation(sliced, op, auth, args.token_field, args.expires_field, args.token_format) for op in operations]
    for m, kind in zip(models, args.kind, strict=False):
        m.kind = kind
    seen: set[str] = set()
    for i, m in enumerate(models):
        if m.kind in seen:
            if i < len(args.kind):
                raise ScaffoldError(f"--kind {m.kind!r} is given to two operations; kinds must differ")
            m.kind = f"{m.kind}_{i + 1}"
        seen.add(m.kind)
    spec_url, spec_path = base_url_of(sliced)
    base_url = args.base_url.rstrip("/") if args.base_url else spec_url
    base_path = urlsplit(base_url).path.rstrip("/") if base_url else spec_path
    info = sliced.get("info", {}) if isinstance(sliced.get("info"), dict) else {}
    title = re.sub(r"[\"\\`]", "", str(info.get("title") or args.name.capitalize()))[:80].strip() or args.name
    description = " ".join(str(info.get("description") or "").split())[:200]
    upper = args.name.upper().replace("-", "_")
    model = PluginModel(
        name=args.name,
        title=title,
        description=description,
        auth=auth,
        env=auth.credentials(title, upper, args.env)[0][1] if auth.mode != "none" else "",
        base_url=base_url,
        base_url_env=f"{upper}_BASE_URL",
        base_path=base_path,
        operations=models,
        credentials=auth.credentials(title, upper, args.env),
    )
    return model, sliced, operations


def scaffold(args: argparse.Namespace, argv: Sequence[str]) -> Path:
    _check_args(args)
    target: Path = args.output / f"anytoken-{args.name}"
    if target.exists() and not args.force:
        raise ScaffoldError(f"{target} already exists (pass --force to replace it)")
    model, sliced, operations = build_model(args)
    require_generator()
    created_output = not args.output.exists()
    try:
        args.output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScaffoldError(f"cannot create {args.output}: {exc.strerror}") from None
    tmp = Path(tempfile.mkdtemp(prefix=f".anytoken-{args.name}-", dir=args.output))
    try:
        _write_plugin(tmp, model, sliced, operations, args, argv)
        _move_into_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if created_output:
            shutil.rmtree(args.output, ignore_errors=True)
        raise
    return target


def _write_plugin(
    tmp: Path,
    model: PluginModel,
    sliced: dict[str, object],
    operations: list[openapi.Operation],
    args: argparse.Namespace,
    argv: Sequence[str],
) -> None:
    name = model.name
    spec_rel, config_rel, client_rel = f"specs/{name}.yaml", f"specs/{name}.config.yaml", f"src/{model.client_package}"
    (tmp / "specs").mkdir()
    (tmp / "src").mkdir()
    header = [
        f"Sliced from {args.spec.name} by `anytoken new-plugin`.",
        f"Operations: {', '.join(op.key for op in operations)}.",
        *([f"Fix-ups: {', '.join(args.fixup)}."] if args.fixup else []),
    ]
    (tmp / spec_rel).write_text(openapi.dump_yaml(sliced, header), encoding="utf-8")
    (tmp / config_rel).write_text(_CONFIG.format(name=name, package=model.client_package), encoding="utf-8")
    run_generator(tmp, spec_rel, config_rel, client_rel)
    client_dir = tmp / client_rel
    for op in model.operations:
        locate(client_dir, op)
    uses_dateutil = any("dateutil" in p.read_text(encoding="utf-8") for p in client_dir.rglob("*.py"))
    sandbox_key = f"{name.replace('-', '_')}_sandbox_" + hashlib.sha256(name.encode()).hexdigest()[:24]
    command = ["anytoken", "new-plugin", *argv]
    files = render(
        model,
        command=command,
        regen=generator_command(spec_rel, config_rel, client_rel),
        sandbox_key=sandbox_key,
        uses_dateutil=uses_dateutil,
    )
    for rel, content in files.items():
        path = tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    _format(tmp, [f"src/{model.package}", "tests"])
    # compile what we wrote: a template bug must fail here, not in the user's first import
    for rel in files:
        if rel.endswith(".py"):
            source = (tmp / rel).read_text(encoding="utf-8")
            try:
                compile(source, rel, "exec")
            except SyntaxError as exc:  # pragma: no cover - a scaffold bug
                raise ScaffoldError(f"internal error: rendered {rel} does not compile: {exc}", exit_code=1) from None


def _format(root: Path, paths: Sequence[str]) -> None:
    """``ruff format`` the rendered code when ruff is installed (it comes with the generator); cosmetic only."""
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(
            [sys.executable, "-m", "ruff", "format", "--quiet", "--no-cache", *paths],
            cwd=root,
            capture_output=True,
            timeout=60,
            check=False,
        )


def _move_into_place(tmp: Path, target: Path) -> None:
    os.chmod(tmp, 0o755)  # mkdtemp makes it 0700
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, old)
        try:
            os.rename(tmp, target)
        except OSError:
            os.rename(old, target)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, target)
