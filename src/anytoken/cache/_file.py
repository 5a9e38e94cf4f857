"""A :class:`CacheBackend` on local files: tokens shared by every process (every shell) of one user.

* ``<directory>/<key>.tok``: the token, JSON encrypted with Fernet (:mod:`._codec`, as for Redis), written
  atomically (a temporary file renamed over it) with mode ``0600`` in a ``0700`` directory. The cache key is
  inside the encrypted document: a file copied to another name, corrupt, truncated, written with another key
  or not ours at all is a miss, never an error.
* ``<directory>/<key>.lock``: the cross-process mint lock (``filelock``: ``fcntl.flock`` on POSIX,
  ``msvcrt.locking`` on Windows). The OS frees it when its holder dies, so a crashed mint never blocks.
* The encryption key: ``encryption_key=`` when given; else the key file ``<config dir>/token-cache.key``
  (``0600``) when it exists; else a key kept in the OS keyring (``keyring``, service ``anytoken``) when one is
  available; else a new key file. ``ANYTOKEN_KEYRING=0`` skips the keyring.

Directories come from ``platformdirs`` (``ANYTOKEN_CACHE_DIR`` / ``ANYTOKEN_CONFIG_DIR`` override them).
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ._backend import AsyncLease, Lease, Ready
from ._codec import EncryptionKey, decode, encode, make_fernet
from ._policy import CachedToken

if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet

__all__ = ["FileBackend", "default_cache_dir", "default_config_dir"]

log = logging.getLogger("anytoken.cache")

_SUFFIX = ".tok"
_MAX_FILE = 64 * 1024
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def default_cache_dir() -> Path:
    """Where ``anytoken token`` keeps tokens: ``ANYTOKEN_CACHE_DIR`` or the user cache dir + ``tokens``."""
    override = os.environ.get("ANYTOKEN_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("anytoken", appauthor=False)) / "tokens"


def default_config_dir() -> Path:
    """Where the key file lives: ``ANYTOKEN_CONFIG_DIR`` or the user config dir."""
    override = os.environ.get("ANYTOKEN_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("anytoken", appauthor=False))


class _FileLease:
    def __init__(self, lock: Any) -> None:
        self._lock = lock

    def release(self) -> None:
        self._lock.release()

    async def arelease(self) -> None:
        self.release()


class FileBackend:
    """Tokens in encrypted files of one user; see the module docstring.

    :param directory: where token files go (default :func:`default_cache_dir`).
    :param encryption_key: a Fernet key (or several: the first encrypts, all decrypt). Default: from the
        key file or the OS keyring (module docstring).
    :param lock_wait: longest wait (seconds) for another process's mint before minting anyway.
    :param use_keyring: look in the OS keyring for the key (default: unless ``ANYTOKEN_KEYRING=0``).
    """

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        *,
        encryption_key: EncryptionKey | None = None,
        lock_wait: float = 30.0,
        use_keyring: bool | None = None,
        config_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.config_dir = Path(config_dir) if config_dir is not None else default_config_dir()
        self.lock_wait = float(lock_wait)
        self.use_keyring = os.environ.get("ANYTOKEN_KEYRING", "1").strip() != "0" if use_keyring is None else use_keyring
        self._given_key = encryption_key
        self._fernet: MultiFernet | None = make_fernet(encryption_key) if encryption_key is not None else None
        self.key_source = "argument" if encryption_key is not None else None
        self._dir_ready = False

    def __repr__(self) -> str:
        return f"FileBackend({str(self.directory)!r}, key={self.key_source or 'not loaded'})"

    # -- files and keys -----------------------------------------------------------------------------

    def _dir(self) -> Path:
        if self._dir_ready:
            return self.directory
        from ._filekey import private_dir

        try:
            private_dir(self.directory)
        except OSError as exc:
            raise UsageError(f"cannot create the token cache directory {self.directory} ({exc.strerror}); set ANYTOKEN_CACHE_DIR") from None
        self._dir_ready = True
        return self.directory

    def _path(self, key: str) -> Path:
        if not key or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("cache keys are hex digests")
        return self.directory / f"{key}{_SUFFIX}"

    def fernet(self) -> MultiFernet:
        """The Fernet of this cache, loading (or creating) its key on first use."""
        if self._fernet is None:
            from ._filekey import load_or_create_key

            key, self.key_source = load_or_create_key(self.config_dir, use_keyring=self.use_keyring)
            self._fernet = make_fernet(key)
        assert self._fernet is not None
        return self._fernet

    def _read(self, path: Path) -> bytes | None:
        try:
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as f:
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    return None
                data = f.read(_MAX_FILE + 1)
            except OSError:
                return None
        return data if len(data) <= _MAX_FILE else None

    def _write(self, path: Path, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(dir=self._dir(), prefix=".tmp-", suffix=_SUFFIX)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def _load(self, key: str) -> CachedToken | None:
        entry = decode(key, self._read(self._path(key)), self.fernet())
        if entry is not None and entry.usable_until <= time.time():
            return None
        return entry

    def _files(self) -> Iterator[tuple[str, Path]]:
        try:
            names = sorted(os.listdir(self.directory))
        except OSError:
            return
        for name in names:
            if name.endswith(_SUFFIX) and not name.startswith("."):
                yield name[: -len(_SUFFIX)], self.directory / name

    # -- the backend protocol -----------------------------------------------------------------------

    def get(self, key: str) -> CachedToken | None:
        return self._load(key)

    def set(self, key: str, entry: CachedToken) -> None:
        data = encode(key, entry, self.fernet())
        if data is not None and entry.usable_until > time.time():
            self._write(self._path(key), data)

    def delete(self, key: str, *, value: str | None = None) -> None:
        path = self._path(key)
        if value is not None:
            entry = decode(key, self._read(path), self.fernet())
            if entry is None or entry.token.value != value:
                return
        with contextlib.suppress(FileNotFoundError):
            path.unlink()

    def acquire(self, key: str, ready: Ready, *, wait: bool = True) -> tuple[Lease | None, CachedToken | None]:
        from filelock import FileLock, Timeout

        lock = FileLock(str(self._dir() / f"{key}.lock"), timeout=self.lock_wait if wait else 0, thread_local=False, mode=0o600)
        try:
            lock.acquire()
        except Timeout:
            if wait:
                log.warning("anytoken cache: waited %gs for another process to mint a token; minting here", self.lock_wait)
            return None, None
        return _FileLease(lock), None

    def find(self, value: str) -> list[str]:
        """Keys of the files holding a token of ``value`` (for revocation)."""
        return [key for key, entry in self.entries() if entry.token.value == value]

    def entries(self) -> list[tuple[str, CachedToken]]:
        """Every readable entry (still usable or not); unreadable files are skipped."""
        files = list(self._files())
        if not files:
            return []  # no key is created (nor the keyring asked) just to list nothing
        fernet = self.fernet()
        out = []
        for key, path in files:
            entry = decode(key, self._read(path), fernet)
            if entry is not None:
                out.append((key, entry))
        return out

    def clear(self, provider: str | None = None) -> int:
        """Delete the cached tokens (of ``provider`` only, when given; then unreadable files stay). Returns how many."""
        removed = 0
        files = list(self._files())
        fernet = self.fernet() if provider is not None and files else None
        for key, path in files:
            if fernet is not None:
                entry = decode(key, self._read(path), fernet)
                if entry is None or entry.token.provider != provider:
                    continue
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
        return removed

    def close(self) -> None:
        pass

    # the async twins run the file operations in a thread (asyncio is imported here: the CLI never pays for it)

    async def aget(self, key: str) -> CachedToken | None:
        import asyncio

        return await asyncio.to_thread(self.get, key)

    async def aset(self, key: str, entry: CachedToken) -> None:
        import asyncio

        await asyncio.to_thread(self.set, key, entry)

    async def adelete(self, key: str, *, value: str | None = None) -> None:
        import asyncio

        await asyncio.to_thread(self.delete, key, value=value)

    async def aacquire(self, key: str, ready: Ready, *, wait: bool = True) -> tuple[AsyncLease | None, CachedToken | None]:
        import asyncio

        lease, entry = await asyncio.to_thread(self.acquire, key, ready, wait=wait)
        return lease, entry  # type: ignore[return-value]  # _FileLease has arelease

    async def afind(self, value: str) -> list[str]:
        import asyncio

        return await asyncio.to_thread(self.find, value)

    async def aclose(self) -> None:
        pass
