"""Report sections 8 and 9: the auth objects (``bench/auth_overhead.py``) and OAuth 2.0 client credentials
against authlib (``bench/oauth2.py``), with their rows in the targets table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from report import Targets

Json = dict[str, Any]

#: what HttpxAuth may add to a request on a cache hit ("a few µs": one get_token hit and one header)
AUTH_ADDED_GOAL_US = 5.0


def _auth(r: Json, t: Targets) -> list[str]:
    a = r.get("auth")
    out = ["## 8. Auth objects (`bench/auth_overhead.py`)", ""]
    if not a:
        return [*out, "Not run yet."]
    if "pending" in a or "error" in a:
        t.add("`HttpxAuth` on a cache hit", f"≤ {AUTH_ADDED_GOAL_US:.0f} µs added to a bare `httpx.Client` request", "pending", None)
        return [*out, f"Not measured: {a.get('pending') or str(a.get('error'))[:120]}."]
    out += [
        "What `HttpxAuth` adds to a request on a cache hit: the same GET through one `httpx.MockTransport` (no network), "
        f"with and without the auth object; median of {a['rounds']} alternating rounds of {a['requests_per_round']} requests; "
        "the flow alone and the `get_token` hit are the best of 5 rounds (the script's own method, by its author).",
        "",
        "| scenario | bare httpx.Client | with HttpxAuth | added per request | auth flow alone | get_token hit |",
        "|---|---:|---:|---:|---:|---:|",
        f"| HttpxAuth({a['provider']!r}), cache hit | {a['bare_us']:.1f} µs | {a['auth_us']:.1f} µs | {a['added_us']:+.1f} µs "
        f"| {a['flow_us']:.1f} µs | {a['get_token_hit_us']:.1f} µs |",
    ]
    t.add(
        "`HttpxAuth` on a cache hit",
        f"≤ {AUTH_ADDED_GOAL_US:.0f} µs added to a bare `httpx.Client` request",
        f"{a['bare_us']:.1f} → {a['auth_us']:.1f} µs = {a['added_us']:+.1f} µs (flow alone {a['flow_us']:.1f} µs)",
        a["added_us"] <= AUTH_ADDED_GOAL_US,
    )
    return out


_OAUTH2_NAMES = {"anytoken": "anytoken `oauth2`", "authlib": "authlib `OAuth2Client.fetch_token`", "httpx": "raw httpx (floor)"}


def _oauth2(r: Json, t: Targets) -> list[str]:
    o = r.get("oauth2")
    out = ["## 9. OAuth 2.0 client credentials vs authlib (`bench/oauth2.py`)", ""]
    if not o:
        return [*out, "Not run yet."]
    if "error" in o:
        return [*out, f"Not measured: {str(o['error'])[:120]}."]
    s = o.get("settings") or {}
    out += [
        "The sandbox's emulated authorization server, client_secret_basic, one token endpoint for every row; fresh client "
        f"processes, rows rotating over {s.get('rounds', '?')} rounds. Sync: median µs per token over {s.get('sync_n', '?')} "
        f"sequential mints on one keep-alive connection; async: {s.get('async_n', '?')} mints at concurrency "
        f"{s.get('concurrency', '?')}; cold: import + first token, median of {s.get('cold_runs', '?')} processes "
        "(the script's own method, by its author).",
        "",
        "| client | sync µs/token | async mints/s | async CPU µs/mint | cold start ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for row, name in _OAUTH2_NAMES.items():
        if row in o.get("sync_us", {}):
            out.append(
                f"| {name} | {o['sync_us'][row]:,.0f} | {o['async_per_s'][row]:,.0f} | {o['async_cpu_us'][row]:,.0f} "
                f"| {o['cold_ms'][row]:,.0f} |"
            )
    for key, what, unit in (
        ("sync_us", "sync µs/token", "µs"),
        ("async_cpu_us", "async c=50 CPU/mint", "µs"),
        ("cold_ms", "cold start", "ms"),
    ):
        mine, theirs = o.get(key, {}).get("anytoken"), o.get(key, {}).get("authlib")
        if mine and theirs:
            t.add(
                f"oauth2 client credentials, {what}",
                "≤ 1× authlib",
                f"{mine:,.0f} vs {theirs:,.0f} {unit} = {mine / theirs:.2f}×",
                mine <= theirs,
            )
    return out
