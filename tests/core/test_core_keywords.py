"""A provider parameter may not take the name of a core keyword of the call surface."""

from __future__ import annotations

import pytest

from anytoken._call import CORE_KEYWORDS
from anytoken.declarations import Param, TokenKind
from anytoken.errors import PluginError


@pytest.mark.parametrize("name", sorted(CORE_KEYWORDS))
def test_a_param_named_like_a_core_keyword_is_refused(name: str) -> None:
    with pytest.raises(PluginError, match=f"provider parameter '{name}' collides") as info:
        TokenKind("k", params=(Param(name),))
    assert "\n" not in str(info.value) and "rename" in str(info.value)


def test_the_keywords_come_from_the_call_options() -> None:
    assert {"kind", "credentials", "base_url", "timeout", "retry", "force_refresh", "allow_persistent"} <= CORE_KEYWORDS
    assert Param("timeout_seconds").name == "timeout_seconds"
