#!/usr/bin/env python3
"""Regenerate the typed provider clients in ``generated/`` from ``specs/``.

    python scripts/regenerate.py [PROVIDER ...] [--check] [--force]

For every ``specs/<provider>.yaml`` (with its ``specs/<provider>.config.yaml``)
this validates the spec, runs the pinned openapi-python-client into a temporary
directory and swaps the result into ``generated/anytoken-<provider>-client/``
in one step. A client whose fingerprint (spec, config, toolchain versions and
this script's ``PIPELINE_VERSION``) is unchanged, and whose files are as they
were generated, is skipped without starting the generator.

``--check`` regenerates into a temporary directory and fails when the
committed tree differs from what the specs produce, listing the files.

Exit codes: 0 ok, 1 check failed or generation error, 2 usage error.
See docs/pipeline.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import sysconfig
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from _pipeline.errors import PipelineError, UsageError, exit_status
from _pipeline.pins import check_pins
from _pipeline.trees import compare_trees, replace_tree, tree_digest

# subprocess, tempfile and concurrent.futures are imported where a client is generated: the no-op run
# (every fingerprint matches) never needs them

# Bump when this script changes anything that affects the generated output
# (generator flags, stamp format, post-processing): every client regenerates.
PIPELINE_VERSION = "2"
META = "uv"
STAMP_NAME = ".anytoken-pipeline.json"
TOOLCHAIN = ("openapi-python-client", "ruff")
PINS_FILE = Path("scripts", "requirements-generator.txt")


class Provider(NamedTuple):
    """One spec and the client generated from it (a NamedTuple: dataclasses would import inspect, ~10 % of a
    no-op run)."""

    name: str
    root: Path

    @property
    def spec(self) -> Path:
        return self.root / "specs" / f"{self.name}.yaml"

    @property
    def config(self) -> Path:
        return self.root / "specs" / f"{self.name}.config.yaml"

    @property
    def project(self) -> str:
        return f"anytoken-{self.name}-client"

    @property
    def package(self) -> str:
        return f"anytoken_{self.name}_client"

    @property
    def templates(self) -> Path:
        """Our overrides of openapi-python-client's templates (shared by every provider)."""
        return self.root / "specs" / "templates"

    @property
    def output(self) -> Path:
        return self.root / "generated" / self.project

    def rel(self, path: Path) -> str:
        """``path`` relative to the repository root, for messages."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


# --------------------------------------------------------------------------- discovery


def discover(root: Path, names: Sequence[str]) -> list[Provider]:
    """The providers named on the command line, or all of them."""
    specs_dir = root / "specs"
    not_specs = (".config.yaml", ".drift-accepted.yaml")  # generator configs; reviewed drift (scripts/spec_drift.py)
    available = sorted(p.name.removesuffix(".yaml") for p in specs_dir.glob("*.yaml") if not p.name.endswith(not_specs))
    unknown = [name for name in names if name not in available]
    if unknown:
        raise UsageError(
            f"unknown provider {', '.join(map(repr, unknown))}; available: {', '.join(available) or 'none'} (specs live in {specs_dir})"
        )
    providers = [Provider(name, root) for name in (names or available)]
    for provider in providers:
        if not provider.config.is_file():
            raise PipelineError(f"{provider.rel(provider.config)}: missing generator config for {provider.rel(provider.spec)}")
    return providers


# --------------------------------------------------------------------------- fingerprints


def fingerprint(provider: Provider, versions: dict[str, str]) -> str:
    """sha256 over everything that determines the generated tree."""
    digest = hashlib.sha256()
    for part in (PIPELINE_VERSION, META, json.dumps(versions, sort_keys=True)):
        digest.update(part.encode() + b"\0")
    for path in (provider.spec, provider.config):
        digest.update(path.read_bytes() + b"\0")
    for path in sorted(provider.templates.glob("*.jinja")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def read_stamp(output: Path) -> dict[str, Any]:
    """The stamp written by the last generation, or ``{}``."""
    try:
        stamp = json.loads((output / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def is_current(provider: Provider, fp: str) -> bool:
    """True when the committed client was generated from exactly these inputs and is untouched."""
    stamp = read_stamp(provider.output)
    if stamp.get("fingerprint") != fp:
        return False
    return bool(stamp.get("tree_sha256") == tree_digest(provider.output, exclude=frozenset({STAMP_NAME})))


def write_stamp(provider: Provider, tree: Path, fp: str, versions: dict[str, str], doc: Any) -> None:
    """Record what produced ``tree`` (and its operations, for the next diff)."""
    from _pipeline.openapi import operation_summary

    stamp = {
        "pipeline": PIPELINE_VERSION,
        "fingerprint": fp,
        "spec": provider.rel(provider.spec),
        "config": provider.rel(provider.config),
        "toolchain": versions,
        "tree_sha256": tree_digest(tree, exclude=frozenset({STAMP_NAME})),
        "operations": operation_summary(doc),
    }
    (tree / STAMP_NAME).write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- validation


def validate(provider: Provider) -> Any:
    """Load and validate a spec and its config; return the parsed spec."""
    from _pipeline import yamlio

    text = _read_text(provider, provider.spec)
    doc = yamlio.loads(text, provider.rel(provider.spec))
    if not isinstance(doc, dict):
        raise PipelineError(f"{provider.rel(provider.spec)}: not an OpenAPI document (expected a mapping)")
    _validate_openapi(provider, doc, text)
    _validate_config(provider, str(doc.get("info", {}).get("version", "")))
    return doc


def _read_text(provider: Provider, path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PipelineError(f"{provider.rel(path)}: cannot read: {exc}") from None


def _validate_openapi(provider: Provider, doc: dict[str, Any], text: str) -> None:
    from _pipeline.yamlio import locate
    from openapi_spec_validator import validate as validate_spec
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    try:
        validate_spec(doc)
    except OpenAPIValidationError as exc:
        path = list(exc.absolute_path)
        position = locate(text, path)
        where = f":{position[0]}:{position[1]}" if position else ""
        pointer = "/".join(str(p) for p in path) or "(document root)"
        raise PipelineError(f"{provider.rel(provider.spec)}{where}: at {pointer}: {exc.message}") from None
    except Exception as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PipelineError(f"{provider.rel(provider.spec)}: invalid OpenAPI document: {message}") from None


_PEP440 = re.compile(r"^(\d+!)?\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$")


def _validate_config(provider: Provider, doc_version: str) -> None:
    from _pipeline import yamlio

    config = yamlio.loads(_read_text(provider, provider.config), provider.rel(provider.config))
    if not isinstance(config, dict):
        raise PipelineError(f"{provider.rel(provider.config)}: expected a mapping of generator options")
    for key, wanted in (("project_name_override", provider.project), ("package_name_override", provider.package)):
        if config.get(key) != wanted:
            raise PipelineError(f"{provider.rel(provider.config)}: {key} must be {wanted!r}, not {config.get(key)!r}")
    version = str(config.get("package_version_override") or doc_version)
    if not _PEP440.match(version):
        raise PipelineError(
            f"{provider.rel(provider.config)}: the client version {version!r} (from info.version) is not a"
            " PEP 440 version, so the distribution would not install; set package_version_override"
        )


# --------------------------------------------------------------------------- generation


def generate_tree(provider: Provider, doc: Any, fp: str, versions: dict[str, str], workdir: Path) -> Path:
    """Run the pinned generator into ``workdir``; return the stamped tree."""
    out = workdir / provider.project
    command = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(provider.spec),
        "--config",
        str(provider.config),
        "--meta",
        META,
        "--output-path",
        str(out),
        "--custom-template-path",
        str(provider.templates),
        "--fail-on-warning",
    ]
    import subprocess

    result = subprocess.run(command, capture_output=True, text=True, env=_tool_env(), check=False)
    if result.returncode != 0 or not out.is_dir():
        raise PipelineError(f"{provider.rel(provider.spec)}: openapi-python-client failed: {_condense(result.stdout + result.stderr)}")
    write_stamp(provider, out, fp, versions, doc)
    return out


def _tool_env() -> dict[str, str]:
    """Put this interpreter's scripts directory first, so post-hooks run the pinned ruff."""
    scripts = sysconfig.get_path("scripts")
    if shutil.which("ruff", path=scripts) is None:
        raise PipelineError(f"ruff is not installed in {scripts}; run: python -m pip install -r {PINS_FILE}")
    env = dict(os.environ)
    env["PATH"] = scripts + os.pathsep + env.get("PATH", "")
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    return env


def _condense(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    noise = ("Generating ", "If you believe this was a mistake", "For further information visit")
    kept = [line for line in lines if not line.startswith(noise)]
    return " | ".join(kept[:12]) or "no output"


def regenerate(provider: Provider, doc: Any, fp: str, versions: dict[str, str]) -> list[str]:
    """Generate next to the committed client and swap it in; return the operation diff."""
    from _pipeline.openapi import diff_operations

    previous = read_stamp(provider.output).get("operations", {})
    provider.output.parent.mkdir(parents=True, exist_ok=True)
    import tempfile

    workdir = Path(tempfile.mkdtemp(prefix=f".regen-{provider.name}-", dir=provider.output.parent))
    try:
        tree = generate_tree(provider, doc, fp, versions, workdir)
        replace_tree(tree, provider.output)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return diff_operations(previous if isinstance(previous, dict) else {}, read_stamp(provider.output)["operations"])


def check(provider: Provider, doc: Any, fp: str, versions: dict[str, str]) -> list[str]:
    """Generate into a scratch directory and list how the committed tree differs."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix=f"anytoken-check-{provider.name}-") as scratch:
        tree = generate_tree(provider, doc, fp, versions, Path(scratch))
        return compare_trees(tree, provider.output)


# --------------------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="regenerate.py",
        description="Regenerate generated/anytoken-<provider>-client from specs/<provider>.yaml.",
    )
    parser.add_argument("providers", nargs="*", metavar="PROVIDER", help="providers to process (default: all)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="fail if generated/ is not what the specs produce")
    mode.add_argument("--force", action="store_true", help="regenerate even when fingerprints match")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    root: Path = args.root.resolve()
    versions = check_pins(root / PINS_FILE, TOOLCHAIN)
    providers = discover(root, args.providers)
    fps = {p.name: fingerprint(p, versions) for p in providers}
    todo = providers if (args.check or args.force) else [p for p in providers if not is_current(p, fps[p.name])]
    for provider in providers:
        if provider not in todo:
            print(f"{provider.name}: up to date ({provider.rel(provider.output)}, fingerprint {fps[provider.name][:12]})")
    if not todo:
        return 0
    docs = _validate_all(todo)
    if args.check:
        return _run_check(todo, docs, fps, versions, orphans=[] if args.providers else _orphans(root, providers))
    return _run_generate(todo, docs, fps, versions)


def _validate_all(providers: list[Provider]) -> dict[str, Any]:
    """Validate every spec before touching anything: one broken spec stops the run."""
    docs: dict[str, Any] = {}
    errors: list[str] = []
    for provider in providers:
        try:
            docs[provider.name] = validate(provider)
        except PipelineError as exc:
            errors.append(str(exc))
    if errors:
        raise PipelineError("\nerror: ".join(errors) + "\nnothing was regenerated")
    return docs


def _parallel(providers: list[Provider], work: Callable[[Provider], list[str]]) -> list[tuple[Provider, list[str] | str]]:
    """Run ``work`` for each provider (the generator is a subprocess, so threads suffice)."""

    def guarded(provider: Provider) -> list[str] | str:
        try:
            return work(provider)
        except PipelineError as exc:
            return str(exc)

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, min(len(providers), os.cpu_count() or 1))) as pool:
        return list(zip(providers, pool.map(guarded, providers), strict=True))


def _run_generate(providers: list[Provider], docs: dict[str, Any], fps: dict[str, str], versions: dict[str, str]) -> int:
    started = time.perf_counter()
    results = _parallel(providers, lambda p: regenerate(p, docs[p.name], fps[p.name], versions))
    failed = 0
    for provider, result in results:
        if isinstance(result, str):
            failed += 1
            print(f"error: {result} ({provider.rel(provider.output)} left unchanged)", file=sys.stderr)
            continue
        print(f"{provider.name}: regenerated {provider.rel(provider.output)} (fingerprint {fps[provider.name][:12]})")
        for line in result or ["no operation changed"]:
            print(f"  {line}")
    print(f"{len(providers) - failed} regenerated, {failed} failed in {time.perf_counter() - started:.1f}s")
    return 1 if failed else 0


def _run_check(providers: list[Provider], docs: dict[str, Any], fps: dict[str, str], versions: dict[str, str], orphans: list[str]) -> int:
    results = _parallel(providers, lambda p: check(p, docs[p.name], fps[p.name], versions))
    failed = False
    for provider, result in results:
        if isinstance(result, str):
            failed = True
            print(f"error: {result}", file=sys.stderr)
        elif result:
            failed = True
            print(f"{provider.name}: {provider.rel(provider.output)} is not what {provider.rel(provider.spec)} produces:")
            for line in result:
                print(f"  {provider.rel(provider.output)}/{line}")
        else:
            print(f"{provider.name}: {provider.rel(provider.output)} matches {provider.rel(provider.spec)}")
    for orphan in orphans:
        failed = True
        print(f"{orphan}: generated client without a spec (delete it or add its spec)")
    if failed:
        print("check failed: run `python scripts/regenerate.py` and commit the result", file=sys.stderr)
        return 1
    return 0


def _orphans(root: Path, providers: list[Provider]) -> list[str]:
    known = {p.output.name for p in providers}
    generated = root / "generated"
    if not generated.is_dir():
        return []
    return sorted(
        f"generated/{d.name}" for d in generated.iterdir() if d.is_dir() and d.name.startswith("anytoken-") and d.name not in known
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return exit_status(lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
