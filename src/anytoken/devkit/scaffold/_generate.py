"""Running openapi-python-client and reading what it generated (with ``ast``, nothing imported)."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

from anytoken.devkit.scaffold._analyze import OperationModel, norm
from anytoken.devkit.scaffold._errors import ScaffoldError

GENERATOR_PIN = "openapi-python-client==0.29.1"


def require_generator() -> None:
    if importlib.util.find_spec("openapi_python_client") is None:
        raise ScaffoldError(f"the client generator is not installed in this environment ({sys.executable}): pip install {GENERATOR_PIN}")


def generator_command(spec: str, config: str, output: str) -> list[str]:
    """The command the scaffold runs (also written into the plugin's README), relative to the plugin dir."""
    return [
        "python",
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        spec,
        "--config",
        config,
        "--meta",
        "none",
        "--output-path",
        output,
    ]


def run_generator(plugin_dir: Path, spec: str, config: str, output: str) -> None:
    cmd = [sys.executable, *generator_command(spec, config, output)[1:], "--fail-on-warning"]
    env = dict(os.environ)
    # the generator's post-hooks run `ruff`: find the one installed next to this interpreter
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    try:
        done = subprocess.run(cmd, cwd=plugin_dir, env=env, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ScaffoldError(f"openapi-python-client did not run: {exc}", exit_code=1) from None
    if done.returncode != 0 or not (plugin_dir / output).is_dir():
        raise ScaffoldError(f"openapi-python-client failed on {spec}: {_reason(done.stdout + done.stderr)}", exit_code=1)


def _reason(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    noise = ("If you believe this", "Generating ", "Error(s) encountered", "Warning(s) encountered")
    useful = [line for line in lines if not line.startswith(noise)]
    return "; ".join(useful[:3])[:400] or "no output"


def _url_template(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.sub(r"\{[^}]*\}", "{}", node.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _url_template(node.func.value)  # "/orgs/{org_id}/tokens".format(...)
    if isinstance(node, ast.JoinedStr):
        out = []
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                out.append(part.value)
            else:
                out.append("{}")
        return "".join(out)
    return None


def _method_and_url(tree: ast.Module) -> tuple[str, str] | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            found: dict[str, str] = {}
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in ("method", "url") and value is not None:
                    text = _url_template(value)
                    if text is not None:
                        found[str(key.value)] = text
            if "method" in found and "url" in found:
                return found["method"].lower(), found["url"]
    return None


def locate(client_dir: Path, op: OperationModel) -> None:
    """Fill ``op.module``, ``op.body_model`` and each parameter's generated keyword name."""
    wanted = (op.method, re.sub(r"\{[^}]*\}", "{}", op.path))
    package = client_dir.name
    for path in sorted((client_dir / "api").rglob("*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if _method_and_url(tree) != wanted:
            continue
        rel = path.relative_to(client_dir).with_suffix("")
        op.module = ".".join((package, *rel.parts))
        _read_signature(tree, op, package)
        return
    raise ScaffoldError(f"the generated client has no module for {op.operation_id} ({op.method.upper()} {op.path})", exit_code=1)


def _read_signature(tree: ast.Module, op: OperationModel, package: str) -> None:
    func = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "sync_detailed"), None)
    if func is None:
        raise ScaffoldError(f"the generated module for {op.operation_id} has no sync_detailed()", exit_code=1)
    kwargs = {arg.arg: arg for arg in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)}
    by_norm = {norm(name): name for name in kwargs if name not in ("client", "body")}
    for p in op.params:
        if p.location == "body":
            continue
        python = by_norm.get(norm(p.wire))
        if python is None:
            raise ScaffoldError(f"cannot match parameter {p.wire!r} of {op.operation_id} to the generated function", exit_code=1)
        p.python = python
    if op.auth_header_param:
        auth_python = next((name for key, name in by_norm.items() if name not in {p.python for p in op.params}), None)
        if auth_python is None:
            raise ScaffoldError(f"cannot find the auth header argument of {op.operation_id} in the generated function", exit_code=1)
        op.auth_python = auth_python
    if "body" in kwargs and op.has_body:
        annotation = kwargs["body"].annotation
        names = [n.id for n in ast.walk(annotation) if isinstance(n, ast.Name) and n.id not in ("Unset", "None")] if annotation else []
        imports = {
            alias.asname or alias.name: node.module
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("models")
            for alias in node.names
        }
        for name in names:
            if name in imports:
                op.body_model = (f"{package}.{imports[name]}", name)
                return
        raise ScaffoldError(f"the generated body type of {op.operation_id} is not a model ({', '.join(names) or '?'})", exit_code=1)
