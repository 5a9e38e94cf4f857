"""The encryption key of the file cache: a ``0600`` key file, or the OS keyring through ``keyring``.

Order: an existing key file wins (fast: no keyring import on every shell command once the file exists);
then the keyring, when one is available (``keyring`` raises for the "fail" backend of headless machines);
then a new key file, created with ``O_EXCL`` so that two processes racing agree on one key. A key file
readable by others is refused (one line saying to ``chmod 600`` it), never silently used.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

from ..errors import UsageError

__all__ = ["load_or_create_key"]

log = logging.getLogger("anytoken.cache")

KEYRING_SERVICE = "anytoken"
KEYRING_USER = "token-cache-key"
KEY_FILE = "token-cache.key"


def _read_key_file(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"cannot read the token cache key {path} ({exc.strerror}): fix it or delete it") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if os.name == "posix" and info.st_mode & 0o077:
            raise UsageError(
                f"the token cache key {path} is readable by other users (mode {stat.S_IMODE(info.st_mode):o}): chmod 600 {path}"
            )
        data = f.read(1024).strip()
    if not data:
        return None
    return data


def _from_keyring() -> bytes | None:
    """The key kept in the OS keyring (created there when absent); None when no keyring is usable."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
        if stored:
            return stored.encode("ascii")
        from cryptography.fernet import Fernet

        new = Fernet.generate_key()
        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, new.decode("ascii"))
        again = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)  # another process may have won the race
        return again.encode("ascii") if again else new
    except (KeyringError, RuntimeError, OSError, UnicodeError) as exc:
        log.debug("anytoken cache: no usable keyring (%s); using a key file", type(exc).__name__)
        return None


def private_dir(path: Path) -> Path:
    """Create ``path`` and each missing parent as 0700 (``mkdir(parents=True)`` gives the parents the umask's
    mode); an existing ``path`` of ours that others may enter or read is closed to 0700."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for p in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            p.mkdir(mode=0o700)
    info = path.stat()
    if stat.S_IMODE(info.st_mode) & 0o077 and info.st_uid == getattr(os, "getuid", lambda: -1)():
        os.chmod(path, 0o700)
    return path


def _create_key_file(path: Path) -> bytes:
    from cryptography.fernet import Fernet

    try:
        private_dir(path.parent)
    except OSError as exc:
        raise UsageError(f"cannot create {path.parent} for the token cache key ({exc.strerror}); set ANYTOKEN_CONFIG_DIR") from None
    key = Fernet.generate_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        existing = _read_key_file(path)
        if existing is None:
            raise UsageError(f"the token cache key {path} is empty: delete it to make a new one") from None
        return existing
    except OSError as exc:
        raise UsageError(f"cannot create the token cache key {path} ({exc.strerror}); set ANYTOKEN_CONFIG_DIR") from None
    try:
        os.write(fd, key + b"\n")
    finally:
        os.close(fd)
    return key


def load_or_create_key(config_dir: Path, *, use_keyring: bool) -> tuple[bytes, str]:
    """(Fernet key, where it came from: ``"key file"`` or ``"keyring"``)."""
    path = config_dir / KEY_FILE
    key = _read_key_file(path)
    if key is not None:
        return key, "key file"
    if use_keyring:
        key = _from_keyring()
        if key is not None:
            return key, "keyring"
    log.debug("anytoken cache: creating the key file %s", path)
    return _create_key_file(path), "key file"
