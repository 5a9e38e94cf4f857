"""ProviderState: auth, ids, clock, counters, and real signed JWTs."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from anytoken.devkit.sandbox import JWTSigner, JWTVerificationError, ProviderState, Sandbox


def _b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def test_authorized_is_exact() -> None:
    st = ProviderState("p", {"api_key": "secret-1"})
    assert st.authorized("secret-1", "api_key")
    assert not st.authorized("secret-2", "api_key")
    assert not st.authorized(None, "api_key")
    assert not st.authorized("secret-1", "other")
    assert not st.authorized("", "api_key")


def test_ids_deterministic_with_seed() -> None:
    a, b = ProviderState("p", {}, seed=1), ProviderState("p", {}, seed=1)
    ids = [a.new_id("mt_", 32) for _ in range(3)]
    assert ids == [b.new_id("mt_", 32) for _ in range(3)]
    assert all(len(i) == 35 and i.startswith("mt_") for i in ids)
    assert ProviderState("q", {}, seed=1).new_id() != ProviderState("p", {}, seed=1).new_id()
    unseeded = ProviderState("p", {})
    assert len(unseeded.new_id("x", 7)) == 8 and unseeded.new_id() != unseeded.new_id()
    a._reset()
    assert a.new_id("mt_", 32) == ids[0]


def test_clock_and_counters() -> None:
    st = ProviderState("p", {}, clock=lambda: 1000.5)
    assert st.now() == 1000.5 and st.now_ms() == 1000500
    st.count_created("op")
    st.count_created("op", 2)
    assert st.created("op") == 3 and st.created() == 3
    assert "resources=0" in repr(st)


@pytest.mark.parametrize("alg", ["HS256", "HS512", "RS256"])
def test_jwt_sign_and_verify(alg: str) -> None:
    signer = JWTSigner()
    token = signer.sign({"sub": "u", "exp": 2_000_000_000}, alg=alg, kid="k1" if alg != "RS256" else None)
    header = json.loads(_b64d(token.split(".")[0]))
    assert header["alg"] == alg and header["typ"] == "JWT"
    assert signer.verify(token) == {"sub": "u", "exp": 2_000_000_000}
    with pytest.raises(JWTVerificationError):
        JWTSigner().verify(token)  # another sandbox's key
    h, _p, s = token.split(".")
    forged = base64.urlsafe_b64encode(json.dumps({"sub": "admin"}).encode()).rstrip(b"=").decode()
    with pytest.raises(JWTVerificationError, match="signature"):
        signer.verify(f"{h}.{forged}.{s}")


def test_hs_signature_matches_stdlib_hmac() -> None:
    import hashlib
    import hmac

    signer = JWTSigner(b"k" * 32)
    token = signer.sign({"a": 1}, alg="HS512")
    h, p, s = token.split(".")
    assert _b64d(s) == hmac.new(b"k" * 32, f"{h}.{p}".encode(), hashlib.sha512).digest()


def test_rs256_verifies_against_published_jwks() -> None:
    signer = JWTSigner()
    token = signer.sign({"sub": "x"}, alg="RS256")
    (jwk,) = signer.jwks()["keys"]
    assert json.loads(_b64d(token.split(".")[0]))["kid"] == jwk["kid"]
    public = rsa.RSAPublicNumbers(int.from_bytes(_b64d(jwk["e"]), "big"), int.from_bytes(_b64d(jwk["n"]), "big")).public_key()
    h, p, s = token.split(".")
    public.verify(_b64d(s), f"{h}.{p}".encode(), padding.PKCS1v15(), hashes.SHA256())


def test_verify_rejects_garbage_and_alg_none() -> None:
    signer = JWTSigner()
    for bad in ["abc", "a.b.c", "e30.e30."]:
        with pytest.raises(JWTVerificationError):
            signer.verify(bad)
    none_header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    with pytest.raises(JWTVerificationError, match="algorithm"):
        signer.verify(f"{none_header}.e30.")
    with pytest.raises(ValueError, match="unsupported"):
        signer.sign({}, alg="none")


def test_seeded_sandboxes_share_hmac_key() -> None:
    from sandbox_fakes import fake_provider

    a, b = Sandbox([fake_provider()], seed=3), Sandbox([fake_provider()], seed=3)
    token = a.state("fake").sign_jwt({"x": 1})
    assert b.verify_jwt(token) == {"x": 1}
    assert a.state("fake").verify_jwt(token) == {"x": 1}
    with pytest.raises(JWTVerificationError):
        Sandbox([fake_provider()]).verify_jwt(token)


def test_minted_token_verifies(sb: Sandbox) -> None:
    import httpx
    from sandbox_fakes import auth

    r = httpx.post(f"{sb.base_url('fake')}/tokens", json={"subject": "bob"}, headers=auth())
    claims = sb.verify_jwt(r.json()["data"]["accessToken"])
    assert claims["sub"] == "bob" and claims["exp"] - claims["iat"] == 3600
    assert sb.state("fake").base_url == sb.base_url("fake")
