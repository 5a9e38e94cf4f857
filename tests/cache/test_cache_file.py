"""The file backend (``TokenCache(FileBackend(...))``): encrypted at rest, shared, safe to open, keyed by keyring or key file.

Minting goes to the sandbox on 127.0.0.1 (quadrata: a reusable, non-persistent kind), so counts are the
server's own.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import anytoken
from anytoken.cache import FileBackend, TokenCache
from anytoken.devkit.sandbox import Sandbox
from anytoken.errors import UsageError

pytest.importorskip("keyring")
pytest.importorskip("filelock")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=3) as sb:
        yield sb


@pytest.fixture
def sb(sandbox: Sandbox) -> Sandbox:
    sandbox.reset()
    return sandbox


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, Path]:
    return {"directory": tmp_path / "cache", "config_dir": tmp_path / "config"}


def _backend(dirs: dict[str, Path], **kwargs: Any) -> FileBackend:
    kwargs.setdefault("use_keyring", False)
    return FileBackend(dirs["directory"], config_dir=dirs["config_dir"], **kwargs)


def _client(sb: Sandbox, backend: FileBackend) -> anytoken.Client:
    client: anytoken.Client = sb.client(env={}, cache=TokenCache(backend))
    return client


def _mints(sb: Sandbox) -> int:
    return sb.requests("quadrata", "createAccessToken")


def test_two_processes_worth_of_clients_share_one_token(sb: Sandbox, dirs: dict[str, Path]) -> None:
    with _client(sb, _backend(dirs)) as one, _client(sb, _backend(dirs)) as two:
        token = one.get_token("quadrata")
        assert two.get_token("quadrata").value == token.value
    assert _mints(sb) == 1


async def test_async_twin_shares_the_files(sb: Sandbox, dirs: dict[str, Path]) -> None:
    async with _client(sb, _backend(dirs)) as one:
        token = await one.aget_token("quadrata")
    async with _client(sb, _backend(dirs)) as two:
        assert (await two.aget_token("quadrata")).value == token.value
    assert _mints(sb) == 1


def test_encrypted_at_rest_with_private_modes(sb: Sandbox, dirs: dict[str, Path]) -> None:
    backend = _backend(dirs)
    with _client(sb, backend) as client:
        token = client.get_token("quadrata")
    files = list(dirs["directory"].glob("*.tok"))
    assert len(files) == 1
    raw = files[0].read_bytes()
    assert token.value.encode() not in raw and b"quadrata" not in raw, "the file is not plaintext"
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(dirs["directory"].stat().st_mode) == 0o700
    key_file = dirs["config_dir"] / "token-cache.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and backend.key_source == "key file"
    assert token.value not in repr(backend)


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "empty", "other key", "directory", "huge", "symlink"],
)
def test_a_damaged_or_foreign_file_is_a_miss(sb: Sandbox, dirs: dict[str, Path], damage: str, tmp_path: Path) -> None:
    from cryptography.fernet import Fernet

    with _client(sb, _backend(dirs)) as client:
        first = client.get_token("quadrata")
    (path,) = dirs["directory"].glob("*.tok")
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"\x00\xffnot a token file")
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "other key":
        path.write_bytes(Fernet(Fernet.generate_key()).encrypt(b'{"f":1}'))
    elif damage == "directory":
        path.unlink()
        path.mkdir()
    elif damage == "huge":
        path.write_bytes(b"x" * (70 * 1024))
    elif damage == "symlink":
        target = tmp_path / "elsewhere.tok"
        target.write_bytes(data)
        path.unlink()
        path.symlink_to(target)
    with _client(sb, _backend(dirs)) as client:
        second = client.get_token("quadrata")
        assert second.value != first.value, "a damaged file must not be served"
        assert client.get_token("quadrata").value == second.value
    assert _mints(sb) == 2


def test_an_entry_copied_under_another_key_is_a_miss(sb: Sandbox, dirs: dict[str, Path]) -> None:
    """The key is inside the encrypted document: a file renamed or copied onto another key's name is not served."""
    with _client(sb, _backend(dirs)) as client:
        production = client.get_token("quadrata", environment="production")
        client.get_token("quadrata", environment="sandbox")
    files = {p.name: p.read_bytes() for p in dirs["directory"].glob("*.tok")}
    assert len(files) == 2
    backend = _backend(dirs)
    (prod_key,) = backend.find(production.value)
    for name in files:
        if not name.startswith(prod_key):
            (dirs["directory"] / name).write_bytes(files[prod_key + ".tok"])
    with _client(sb, _backend(dirs)) as client:
        assert client.get_token("quadrata", environment="sandbox").value != production.value
    assert _mints(sb) == 3


def test_a_key_file_readable_by_others_is_refused(dirs: dict[str, Path]) -> None:
    dirs["config_dir"].mkdir()
    key_file = dirs["config_dir"] / "token-cache.key"
    from cryptography.fernet import Fernet

    secret = Fernet.generate_key()
    key_file.write_bytes(secret)
    key_file.chmod(0o644)
    with pytest.raises(UsageError, match=r"readable by other users \(mode 644\): chmod 600") as info:
        _backend(dirs).fernet()
    assert secret.decode() not in str(info.value) and "\n" not in str(info.value)


class _MemoryKeyring:
    """A keyring backend of this test (keyring's own KeyringBackend API)."""

    def __init__(self) -> None:
        import keyring.backend

        class Backend(keyring.backend.KeyringBackend):
            priority = 1
            store: dict[tuple[str, str], str] = {}  # noqa: RUF012

            def get_password(self, service: str, username: str) -> str | None:
                return self.store.get((service, username))

            def set_password(self, service: str, username: str, password: str) -> None:
                self.store[(service, username)] = password

            def delete_password(self, service: str, username: str) -> None:
                self.store.pop((service, username), None)

        self.backend = Backend()  # type: ignore[no-untyped-call]


@pytest.fixture
def memory_keyring() -> Iterator[Any]:
    import keyring

    previous = keyring.get_keyring()
    kr = _MemoryKeyring().backend
    keyring.set_keyring(kr)
    try:
        yield kr
    finally:
        keyring.set_keyring(previous)


def test_the_key_lives_in_the_keyring_when_one_is_available(sb: Sandbox, dirs: dict[str, Path], memory_keyring: Any) -> None:
    backend = _backend(dirs, use_keyring=True)
    with _client(sb, backend) as client:
        token = client.get_token("quadrata")
    assert backend.key_source == "keyring"
    assert not (dirs["config_dir"] / "token-cache.key").exists(), "no key file when the keyring holds the key"
    assert list(memory_keyring.store) == [("anytoken", "token-cache-key")]
    again = _backend(dirs, use_keyring=True)
    with _client(sb, again) as client:
        assert client.get_token("quadrata").value == token.value
    assert _mints(sb) == 1


def test_no_keyring_falls_back_to_a_key_file(dirs: dict[str, Path]) -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        backend = _backend(dirs, use_keyring=True)
        backend.fernet()
    finally:
        keyring.set_keyring(previous)
    assert backend.key_source == "key file" and (dirs["config_dir"] / "token-cache.key").exists()


def test_entries_find_and_clear(sb: Sandbox, dirs: dict[str, Path]) -> None:
    backend = _backend(dirs)
    with _client(sb, backend) as client:
        q = client.get_token("quadrata")
        u = client.get_token("unleash", kind="backend", allow_persistent=True)
    assert sorted(e.token.provider for _, e in backend.entries()) == ["quadrata", "unleash"]
    (key,) = backend.find(q.value)
    assert backend.get(key) is not None and backend.get(key).token.value == q.value  # type: ignore[union-attr]
    (dirs["directory"] / ("a" * 64 + ".tok")).write_bytes(b"junk")
    assert backend.clear("quadrata") == 1
    assert [e.token.value for _, e in backend.entries()] == [u.value]
    assert backend.clear() == 2, "clearing everything also removes unreadable files"
    assert backend.entries() == []


def test_revoking_drops_the_file_copy(sb: Sandbox, dirs: dict[str, Path]) -> None:
    with _client(sb, _backend(dirs)) as client:
        token = client.get_token("unleash", kind="backend", allow_persistent=True)
    with _client(sb, _backend(dirs)) as other:  # another process: nothing in its memory
        other.revoke_token(token)
    assert _backend(dirs).entries() == []
    assert os.listdir(dirs["directory"]) and not list(dirs["directory"].glob("*.tok"))


def test_the_cli_cache_libraries_are_loaded_only_when_used() -> None:
    """keyring, platformdirs, filelock and Fernet are core dependencies for `anytoken token`, imported by it alone."""
    import subprocess
    import sys

    code = (
        "import sys, anytoken, anytoken.cache, anytoken.cli\n"
        "heavy = [m for m in ('keyring', 'platformdirs', 'filelock', 'cryptography') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "from anytoken.cache import FileBackend\n"
        "assert 'keyring' not in sys.modules\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def test_the_cache_directories_are_private_parents_included(tmp_path: Path, sb: Sandbox) -> None:
    """Under a permissive umask the directories the cache creates are all 0700, and a cache directory of ours
    left open to others is closed (its files are encrypted anyway: this keeps even their names private)."""
    old = os.umask(0)
    try:
        nested = {"directory": tmp_path / "a" / "b" / "cache", "config_dir": tmp_path / "c" / "d" / "config"}
        with _client(sb, _backend(nested)) as client:
            client.get_token("quadrata")
        for path in (tmp_path / "a", tmp_path / "a" / "b", nested["directory"], tmp_path / "c", tmp_path / "c" / "d", nested["config_dir"]):
            assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
        opened = tmp_path / "open"
        opened.mkdir(mode=0o755)
        with _client(sb, _backend({"directory": opened, "config_dir": nested["config_dir"]})) as client:
            client.get_token("quadrata")
        assert stat.S_IMODE(opened.stat().st_mode) == 0o700
    finally:
        os.umask(old)
