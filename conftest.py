"""Suite-wide resource checks (issue 10): leaks fail the test that caused them.

- ``ResourceWarning`` is an error (``filterwarnings`` in pyproject.toml): an unclosed socket, file or
  aiohttp session reported from ``__del__`` reaches pytest as an unraisable exception, itself an error.
- After each test (and its fixtures) a garbage collection runs, so whatever the test left unclosed is
  reported in that test, not in a later one.
- An error on the ``asyncio`` logger fails the test: "Unclosed client session", "Unclosed connector",
  "Task was destroyed but it is pending!", "Task exception was never retrieved", ...
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator

import pytest


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0][:300])


@pytest.fixture(autouse=True)
def _no_leaks_and_no_asyncio_errors() -> Iterator[None]:
    errors = _Errors()
    logger = logging.getLogger("asyncio")
    logger.addHandler(errors)
    try:
        yield
        gc.collect()  # surfaces unclosed objects (ResourceWarning, aiohttp's asyncio errors) in this test
    finally:
        logger.removeHandler(errors)
    if errors.messages:
        pytest.fail("the asyncio logger reported: " + " | ".join(errors.messages), pytrace=False)
