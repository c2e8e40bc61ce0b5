"""Firebase ID token verification, offline: keys and certificates are generated per test run."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from propintel.integrations.firebase import (
    GOOGLE_CERTS_URL,
    CertificateFetchError,
    FirebaseIdentity,
    FirebaseVerifier,
    GoogleCertificateSource,
    InvalidIdToken,
    StaticCertificateSource,
)

PROJECT = "propintel-test"
ISSUER = f"https://securetoken.google.com/{PROJECT}"
NOW = 1_750_000_000
KID = "kid-current"
LEEWAY = 60


@dataclass(frozen=True)
class SigningKey:
    private_key: rsa.RSAPrivateKey
    cert_pem: str


def make_signing_key() -> SigningKey:
    """An RSA key and a self-signed certificate for it, shaped like Google's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "securetoken.system.gserviceaccount.com")]
    )
    start = dt.datetime.fromtimestamp(NOW, dt.UTC) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=14))
        .sign(key, hashes.SHA256())
    )
    return SigningKey(key, cert.public_bytes(serialization.Encoding.PEM).decode())


@pytest.fixture(scope="module")
def signing_key() -> SigningKey:
    return make_signing_key()


@pytest.fixture(scope="module")
def other_key() -> SigningKey:
    return make_signing_key()


def firebase_claims(**overrides: Any) -> dict[str, Any]:
    """Claims of a valid Firebase ID token at NOW; ``None`` overrides drop the claim."""
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": PROJECT,
        "auth_time": NOW - 300,
        "user_id": "uid-123",
        "sub": "uid-123",
        "iat": NOW - 100,
        "exp": NOW + 3500,
        "email": "owner@example.com",
        "email_verified": True,
        "firebase": {
            "identities": {"email": ["owner@example.com"]},
            "sign_in_provider": "password",
        },
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def sign(key: SigningKey, claims: dict[str, Any], kid: str | None = KID) -> str:
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers=headers)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64json(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value).encode())


def make_verifier(key: SigningKey, clock: Callable[[], float] = lambda: NOW) -> FirebaseVerifier:
    return FirebaseVerifier(PROJECT, StaticCertificateSource({KID: key.cert_pem}), clock=clock)


async def rejection(verifier: FirebaseVerifier, token: str) -> str:
    """The reason ``token`` is refused; also proves the token never leaks into the error."""
    with pytest.raises(InvalidIdToken) as caught:
        await verifier.verify(token)
    error = caught.value
    for text in (str(error), repr(error), str(error.__cause__ or "")):
        assert token not in text or not token
    return error.reason


# --- accepted -------------------------------------------------------------------------------


async def test_valid_token_is_accepted_and_mapped(signing_key: SigningKey) -> None:
    identity = await make_verifier(signing_key).verify(sign(signing_key, firebase_claims()))
    assert identity == FirebaseIdentity(
        uid="uid-123", email="owner@example.com", email_verified=True
    )


async def test_token_without_email_maps_to_no_email_unverified(signing_key: SigningKey) -> None:
    token = sign(signing_key, firebase_claims(email=None, email_verified=None, sub="phone-user"))
    identity = await make_verifier(signing_key).verify(token)
    assert identity == FirebaseIdentity(uid="phone-user", email=None, email_verified=False)


async def test_email_verified_must_be_a_real_true(signing_key: SigningKey) -> None:
    token = sign(signing_key, firebase_claims(email_verified="true"))
    assert (await make_verifier(signing_key).verify(token)).email_verified is False


# --- audience, issuer, signature --------------------------------------------------------------


@pytest.mark.parametrize("aud", ["other-project", f"{PROJECT}-x", [PROJECT], [PROJECT, "other"]])
async def test_wrong_audience_is_rejected(signing_key: SigningKey, aud: Any) -> None:
    token = sign(signing_key, firebase_claims(aud=aud))
    assert await rejection(make_verifier(signing_key), token) == "wrong audience"


@pytest.mark.parametrize(
    "iss",
    [
        "https://securetoken.google.com/other-project",
        f"https://securetoken.google.com/{PROJECT}/",
        f"http://securetoken.google.com/{PROJECT}",
        "https://accounts.google.com",
    ],
)
async def test_wrong_issuer_is_rejected(signing_key: SigningKey, iss: str) -> None:
    token = sign(signing_key, firebase_claims(iss=iss))
    assert await rejection(make_verifier(signing_key), token) == "wrong issuer"


async def test_tampered_payload_is_rejected(signing_key: SigningKey) -> None:
    header, _, signature = sign(signing_key, firebase_claims()).split(".")
    forged = f"{header}.{b64json(firebase_claims(sub='admin-uid'))}.{signature}"
    assert await rejection(make_verifier(signing_key), forged) == "bad signature"


async def test_token_signed_by_another_key_under_our_kid_is_rejected(
    signing_key: SigningKey, other_key: SigningKey
) -> None:
    token = sign(other_key, firebase_claims())
    assert await rejection(make_verifier(signing_key), token) == "bad signature"


async def test_unknown_kid_is_rejected(signing_key: SigningKey) -> None:
    token = sign(signing_key, firebase_claims(), kid="kid-nobody-published")
    assert await rejection(make_verifier(signing_key), token) == "unknown key id"


async def test_missing_kid_is_rejected(signing_key: SigningKey) -> None:
    token = sign(signing_key, firebase_claims(), kid=None)
    assert await rejection(make_verifier(signing_key), token) == "missing key id"


# --- algorithm attacks ------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["none", "None", "NONE", ""])
async def test_unsigned_alg_none_token_is_rejected(signing_key: SigningKey, alg: str) -> None:
    unsigned = f"{b64json({'alg': alg, 'kid': KID, 'typ': 'JWT'})}.{b64json(firebase_claims())}."
    assert await rejection(make_verifier(signing_key), unsigned) == "unsupported algorithm"


async def test_hs256_signed_with_the_certificate_as_secret_is_rejected(
    signing_key: SigningKey,
) -> None:
    """Key confusion: the certificate is public, so an HMAC over it is forgeable by anyone."""
    signing_input = f"{b64json({'alg': 'HS256', 'kid': KID})}.{b64json(firebase_claims())}"
    mac = hmac.new(signing_key.cert_pem.encode(), signing_input.encode(), hashlib.sha256)
    forged = f"{signing_input}.{b64url(mac.digest())}"
    assert await rejection(make_verifier(signing_key), forged) == "unsupported algorithm"


async def test_other_asymmetric_algorithm_is_rejected(signing_key: SigningKey) -> None:
    token = jwt.encode(
        firebase_claims(), signing_key.private_key, algorithm="RS512", headers={"kid": KID}
    )
    assert await rejection(make_verifier(signing_key), token) == "unsupported algorithm"


async def test_emulator_host_variable_does_not_disable_checks(
    signing_key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    unsigned = f"{b64json({'alg': 'none', 'kid': KID})}.{b64json(firebase_claims())}."
    assert await rejection(make_verifier(signing_key), unsigned) == "unsupported algorithm"
    header, _, signature = sign(signing_key, firebase_claims()).split(".")
    forged = f"{header}.{b64json(firebase_claims(sub='someone-else'))}.{signature}"
    assert await rejection(make_verifier(signing_key), forged) == "bad signature"


# --- time claims ------------------------------------------------------------------------------


async def test_expired_token_is_rejected(signing_key: SigningKey) -> None:
    token = sign(signing_key, firebase_claims(exp=NOW - 3600))
    assert await rejection(make_verifier(signing_key), token) == "expired"


async def test_expiry_boundary_gets_no_leeway(signing_key: SigningKey) -> None:
    verifier = make_verifier(signing_key)
    assert await rejection(verifier, sign(signing_key, firebase_claims(exp=NOW))) == "expired"
    assert await verifier.verify(sign(signing_key, firebase_claims(exp=NOW + 1)))


async def test_token_expires_as_the_injected_clock_moves(signing_key: SigningKey) -> None:
    now = [float(NOW)]
    verifier = make_verifier(signing_key, clock=lambda: now[0])
    token = sign(signing_key, firebase_claims(exp=NOW + 10))
    assert await verifier.verify(token)
    now[0] += 10
    assert await rejection(verifier, token) == "expired"


async def test_iat_in_the_future_beyond_leeway_is_rejected(signing_key: SigningKey) -> None:
    verifier = make_verifier(signing_key)
    token = sign(signing_key, firebase_claims(iat=NOW + LEEWAY + 1))
    assert await rejection(verifier, token) == "issued in the future"
    assert await verifier.verify(sign(signing_key, firebase_claims(iat=NOW + LEEWAY)))


async def test_auth_time_in_the_future_beyond_leeway_is_rejected(signing_key: SigningKey) -> None:
    verifier = make_verifier(signing_key)
    token = sign(signing_key, firebase_claims(auth_time=NOW + LEEWAY + 1))
    assert await rejection(verifier, token) == "authenticated in the future"
    assert await verifier.verify(sign(signing_key, firebase_claims(auth_time=NOW + LEEWAY)))


@pytest.mark.parametrize("claim", ["exp", "iat", "auth_time", "sub", "aud", "iss"])
async def test_missing_required_claim_is_rejected(signing_key: SigningKey, claim: str) -> None:
    token = sign(signing_key, firebase_claims(**{claim: None}))
    assert await rejection(make_verifier(signing_key), token) == f"missing claim {claim}"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, "2030-01-01"])
async def test_non_numeric_or_non_finite_exp_is_rejected(
    signing_key: SigningKey, value: Any
) -> None:
    token = sign(signing_key, firebase_claims(exp=value))
    assert await rejection(make_verifier(signing_key), token) == "malformed exp claim"


# --- subject ----------------------------------------------------------------------------------


async def test_empty_subject_is_rejected(signing_key: SigningKey) -> None:
    token = sign(signing_key, firebase_claims(sub=""))
    assert await rejection(make_verifier(signing_key), token) == "empty subject"


async def test_subject_of_129_chars_is_rejected_and_128_accepted(signing_key: SigningKey) -> None:
    verifier = make_verifier(signing_key)
    too_long = sign(signing_key, firebase_claims(sub="u" * 129))
    assert await rejection(verifier, too_long) == "subject too long"
    identity = await verifier.verify(sign(signing_key, firebase_claims(sub="u" * 128)))
    assert identity.uid == "u" * 128


async def test_non_string_subject_is_rejected(signing_key: SigningKey) -> None:
    token = sign(signing_key, firebase_claims(sub=12345))
    assert await rejection(make_verifier(signing_key), token) == "invalid subject"


# --- malformed --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    ["", "not-a-jwt", "a.b", "a.b.c", "!!!.@@@.###", f"{b64url(b'[1]')}.e30."],
)
async def test_malformed_token_is_rejected(signing_key: SigningKey, token: str) -> None:
    assert await rejection(make_verifier(signing_key), token) == "malformed token"


async def test_oversized_token_is_refused_before_parsing(signing_key: SigningKey) -> None:
    token = sign(signing_key, firebase_claims(padding="p" * 20_000))
    assert await rejection(make_verifier(signing_key), token) == "token too large"


async def test_certificate_that_is_not_a_certificate_is_refused(signing_key: SigningKey) -> None:
    verifier = FirebaseVerifier(PROJECT, StaticCertificateSource({KID: "not a pem"}), lambda: NOW)
    token = sign(signing_key, firebase_claims())
    assert await rejection(verifier, token) == "unusable certificate for key id"


# --- GoogleCertificateSource ------------------------------------------------------------------


class FakeGoogle:
    """Google's certificate endpoint behind httpx.MockTransport, counting requests."""

    def __init__(self, certs: dict[str, str], cache_control: str = "public, max-age=100") -> None:
        self.certs = certs
        self.cache_control = cache_control
        self.status = 200
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        headers = {"Cache-Control": self.cache_control} if self.cache_control else {}
        return httpx.Response(self.status, json=self.certs, headers=headers)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_google_source_requests_the_google_url(signing_key: SigningKey) -> None:
    google = FakeGoogle({KID: signing_key.cert_pem})
    async with google.client() as http:
        certs = await GoogleCertificateSource(http).certificates()
    assert certs == {KID: signing_key.cert_pem}
    assert [(r.method, str(r.url)) for r in google.requests] == [("GET", GOOGLE_CERTS_URL)]
    assert GOOGLE_CERTS_URL == (
        "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"
    )


async def test_google_source_caches_within_max_age() -> None:
    google = FakeGoogle({KID: "pem"}, "public, max-age=100, must-revalidate, no-transform")
    clock = FakeMonotonic()
    async with google.client() as http:
        source = GoogleCertificateSource(http, monotonic=clock)
        await source.certificates()
        clock.now += 99.9
        await source.certificates()
    assert len(google.requests) == 1


async def test_google_source_refetches_after_max_age() -> None:
    google = FakeGoogle({KID: "old"}, "public, max-age=100")
    clock = FakeMonotonic()
    async with google.client() as http:
        source = GoogleCertificateSource(http, monotonic=clock)
        assert await source.certificates() == {KID: "old"}
        google.certs = {"kid-next": "new"}
        clock.now += 100
        assert await source.certificates() == {"kid-next": "new"}
    assert len(google.requests) == 2


async def test_google_source_without_max_age_does_not_cache() -> None:
    google = FakeGoogle({KID: "pem"}, cache_control="")
    async with google.client() as http:
        source = GoogleCertificateSource(http, monotonic=FakeMonotonic())
        await source.certificates()
        await source.certificates()
    assert len(google.requests) == 2


async def test_google_source_refresh_is_limited_to_once_a_minute() -> None:
    google = FakeGoogle({KID: "pem"}, "public, max-age=3600")
    clock = FakeMonotonic()
    async with google.client() as http:
        source = GoogleCertificateSource(http, monotonic=clock)
        await source.certificates()
        clock.now += 59
        await source.refresh()
        assert len(google.requests) == 1
        clock.now += 1
        await source.refresh()
        await source.refresh()
    assert len(google.requests) == 2


async def test_concurrent_callers_after_expiry_share_one_fetch() -> None:
    requests = 0

    async def slow_google(request: httpx.Request) -> httpx.Response:
        nonlocal requests
        requests += 1
        await asyncio.sleep(0.01)
        return httpx.Response(200, json={KID: "pem"}, headers={"Cache-Control": "max-age=60"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(slow_google)) as http:
        source = GoogleCertificateSource(http, monotonic=FakeMonotonic())
        results = await asyncio.gather(*(source.certificates() for _ in range(10)))
    assert results == [{KID: "pem"}] * 10
    assert requests == 1


@pytest.mark.parametrize(
    ("status", "body"), [(500, {KID: "pem"}), (200, ["not", "a", "map"]), (200, {KID: 1})]
)
async def test_google_source_failure_is_a_fetch_error(status: int, body: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        with pytest.raises(CertificateFetchError):
            await GoogleCertificateSource(http).certificates()


async def test_verifier_picks_up_a_rotated_key_through_the_google_source(
    signing_key: SigningKey, other_key: SigningKey
) -> None:
    """Google rotated in a new key before our cache expired: one refetch finds it."""
    google = FakeGoogle({KID: signing_key.cert_pem}, "public, max-age=3600")
    clock = FakeMonotonic()
    async with google.client() as http:
        verifier = FirebaseVerifier(
            PROJECT, GoogleCertificateSource(http, monotonic=clock), clock=lambda: NOW
        )
        assert await verifier.verify(sign(signing_key, firebase_claims()))
        google.certs = {KID: signing_key.cert_pem, "kid-rotated": other_key.cert_pem}
        clock.now += 61
        rotated = sign(other_key, firebase_claims(sub="rotated-user"), kid="kid-rotated")
        assert (await verifier.verify(rotated)).uid == "rotated-user"
        assert len(google.requests) == 2


async def test_forged_kids_cannot_hammer_google(signing_key: SigningKey) -> None:
    google = FakeGoogle({KID: signing_key.cert_pem}, "public, max-age=3600")
    async with google.client() as http:
        source = GoogleCertificateSource(http, monotonic=FakeMonotonic())
        verifier = FirebaseVerifier(PROJECT, source, clock=lambda: NOW)
        for n in range(5):
            forged = sign(signing_key, firebase_claims(), kid=f"random-{n}")
            assert await rejection(verifier, forged) == "unknown key id"
    assert len(google.requests) == 1
