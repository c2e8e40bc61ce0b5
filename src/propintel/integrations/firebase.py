"""Firebase Authentication: verify ID tokens offline against Google's public certificates.

A Firebase ID token is an RS256 JWT whose header ``kid`` names one of the x509 certificates Google
publishes for ``securetoken@system.gserviceaccount.com``. Verification needs no Firebase SDK and
no network beyond fetching those certificates, which are cached as Google's ``Cache-Control`` says.

``FIREBASE_AUTH_EMULATOR_HOST`` is deliberately never read: the Admin SDK uses it to switch off
signature checks, and one stray environment variable must not turn authentication off. Tests and
offline runs inject their own certificates through :class:`StaticCertificateSource` instead.
"""

from __future__ import annotations

import asyncio
import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import httpx
import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.exceptions import (
    InvalidAlgorithmError,
    InvalidAudienceError,
    InvalidIssuerError,
    InvalidSignatureError,
    InvalidSubjectError,
    MissingRequiredClaimError,
    PyJWTError,
)
from jwt.types import Options

GOOGLE_CERTS_URL = (
    "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"
)
ISSUER_PREFIX = "https://securetoken.google.com/"
ALGORITHM = "RS256"
MAX_UID_LENGTH = 128
# Real ID tokens are 1-2 KB (custom claims are capped at 1000 bytes); refuse to parse megabytes.
MAX_TOKEN_LENGTH = 16_384
# A token naming an unknown key triggers a refetch (Google may have just rotated), but forged
# tokens with random key ids must not turn us into a request amplifier against Google.
UNKNOWN_KID_REFETCH_INTERVAL_S = 60.0
FETCH_TIMEOUT_S = 10.0

# Required claims; ``auth_time`` too, since Firebase documents it as always present.
REQUIRED_CLAIMS = ["exp", "iat", "auth_time", "sub", "aud", "iss"]
# pyjwt reads the wall clock for exp/iat/nbf; those are checked against the injected clock instead.
_DECODE_OPTIONS: Options = {
    "require": REQUIRED_CLAIMS,
    "strict_aud": True,
    "verify_exp": False,
    "verify_iat": False,
    "verify_nbf": False,
}


class InvalidIdToken(Exception):
    """The token is not a valid Firebase ID token for this project.

    ``reason`` is short and safe to log or show; it never contains the token itself.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CertificateFetchError(Exception):
    """Google's certificates could not be fetched: our outage, not a bad token (think 503)."""


@dataclass(frozen=True)
class FirebaseIdentity:
    uid: str
    email: str | None
    email_verified: bool


@runtime_checkable
class CertificateSource(Protocol):
    async def certificates(self) -> dict[str, str]:
        """The current signing certificates: key id -> PEM x509 certificate."""
        ...


@runtime_checkable
class RefreshableCertificateSource(CertificateSource, Protocol):
    async def refresh(self) -> dict[str, str]:
        """Certificates refetched now (rate-limited) because a token named an unknown key id."""
        ...


class StaticCertificateSource:
    """A fixed set of certificates, for tests and offline runs."""

    def __init__(self, certificates: dict[str, str]) -> None:
        self._certificates = dict(certificates)

    async def certificates(self) -> dict[str, str]:
        return self._certificates


class GoogleCertificateSource:
    """Google's published certificates, cached for the response's ``Cache-Control: max-age``.

    Without an ``http`` client one is opened per fetch; fetches happen a few times a day, so that
    costs nothing and leaves no client to close. ``monotonic`` is injectable for tests.
    """

    def __init__(
        self,
        http: httpx.AsyncClient | None = None,
        url: str = GOOGLE_CERTS_URL,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        timeout_s: float = FETCH_TIMEOUT_S,
    ) -> None:
        self._http = http
        self._url = url
        self._monotonic = monotonic
        self._timeout_s = timeout_s
        self._certs: dict[str, str] | None = None
        self._expires_at = -math.inf
        self._last_attempt = -math.inf
        # One fetch at a time: concurrent verifications after expiry share a single request.
        self._lock = asyncio.Lock()

    async def certificates(self) -> dict[str, str]:
        async with self._lock:
            if self._certs is None or self._monotonic() >= self._expires_at:
                return await self._fetch()
            return self._certs

    async def refresh(self) -> dict[str, str]:
        async with self._lock:
            recently = self._monotonic() - self._last_attempt < UNKNOWN_KID_REFETCH_INTERVAL_S
            if self._certs is None or not recently:
                return await self._fetch()
            return self._certs

    async def _fetch(self) -> dict[str, str]:
        self._last_attempt = self._monotonic()
        response = await self._get()
        certs = _parse_certificates(response)
        self._certs = certs
        self._expires_at = self._monotonic() + _max_age(response.headers.get("cache-control", ""))
        return certs

    async def _get(self) -> httpx.Response:
        try:
            if self._http is not None:
                response = await self._http.get(self._url, timeout=self._timeout_s)
            else:
                async with httpx.AsyncClient(timeout=self._timeout_s) as client:
                    response = await client.get(self._url)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise CertificateFetchError(f"fetching Google certificates failed: {exc}") from exc
        return response


def _parse_certificates(response: httpx.Response) -> dict[str, str]:
    try:
        body = response.json()
    except ValueError as exc:
        raise CertificateFetchError("Google certificates response is not JSON") from exc
    valid = isinstance(body, dict) and all(
        isinstance(kid, str) and isinstance(pem, str) for kid, pem in body.items()
    )
    if not valid or not body:
        raise CertificateFetchError("Google certificates response is not a kid -> PEM object")
    return body


def _max_age(cache_control: str) -> float:
    """Seconds the response may be cached; 0 when the header gives no usable ``max-age``."""
    for directive in cache_control.split(","):
        name, _, value = directive.strip().partition("=")
        name = name.lower()
        if name in ("no-cache", "no-store"):
            return 0.0
        if name == "max-age" and value.strip().isdigit():
            return float(value.strip())
    return 0.0


@functools.lru_cache(maxsize=32)
def _rsa_public_key(pem: str) -> RSAPublicKey:
    """The RSA key inside a PEM certificate (pyjwt cannot read x509 certificates itself)."""
    key = x509.load_pem_x509_certificate(pem.encode()).public_key()
    if not isinstance(key, RSAPublicKey):
        raise ValueError("certificate does not hold an RSA key")
    return key


class FirebaseVerifier:
    """Verifies Firebase ID tokens for one project.

    ``leeway_s`` tolerates our clock being behind Google's for ``iat`` and ``auth_time``. ``exp``
    gets no leeway: an expired token is refused even if only just expired, which costs nothing
    because the Firebase client refreshes tokens minutes before they expire.
    """

    def __init__(
        self,
        project_id: str,
        source: CertificateSource,
        clock: Callable[[], float] = time.time,
        leeway_s: int = 60,
    ) -> None:
        if not project_id:
            raise ValueError("project_id is required")
        self.project_id = project_id
        self.issuer = f"{ISSUER_PREFIX}{project_id}"
        self._source = source
        self._clock = clock
        self._leeway_s = leeway_s

    async def verify(self, token: str) -> FirebaseIdentity:
        """The identity in ``token``, or :class:`InvalidIdToken` saying why it was refused.

        May raise :class:`CertificateFetchError` when the certificates cannot be fetched.
        """
        kid = _key_id(token)
        key = await self._public_key(kid)
        claims = self._decode(token, key)
        self._check_times(claims)
        return _identity(claims)

    async def _public_key(self, kid: str) -> RSAPublicKey:
        certs = await self._source.certificates()
        if kid not in certs and isinstance(self._source, RefreshableCertificateSource):
            certs = await self._source.refresh()
        pem = certs.get(kid)
        if pem is None:
            raise InvalidIdToken("unknown key id")
        try:
            return _rsa_public_key(pem)
        except ValueError as exc:
            raise InvalidIdToken("unusable certificate for key id") from exc

    def _decode(self, token: str, key: RSAPublicKey) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.project_id,
                issuer=self.issuer,
                options=_DECODE_OPTIONS,
            )
        except PyJWTError as exc:
            raise InvalidIdToken(_reason(exc)) from exc

    def _check_times(self, claims: dict[str, Any]) -> None:
        now = self._clock()
        if _timestamp(claims, "exp") <= now:
            raise InvalidIdToken("expired")
        if _timestamp(claims, "iat") > now + self._leeway_s:
            raise InvalidIdToken("issued in the future")
        if _timestamp(claims, "auth_time") > now + self._leeway_s:
            raise InvalidIdToken("authenticated in the future")


def _key_id(token: str) -> str:
    """The header's key id, once the header is known to ask for RS256.

    The algorithm is checked before anything else so that ``alg: none`` and HMAC tokens (which
    would use the public certificate as a shared secret) never reach any key handling.
    """
    if not isinstance(token, str) or not token:
        raise InvalidIdToken("malformed token")
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidIdToken("token too large")
    try:
        header = jwt.get_unverified_header(token)
    except PyJWTError as exc:
        raise InvalidIdToken("malformed token") from exc
    if header.get("alg") != ALGORITHM:
        raise InvalidIdToken("unsupported algorithm")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidIdToken("missing key id")
    return kid


def _reason(exc: PyJWTError) -> str:
    # InvalidSignatureError subclasses DecodeError, so it must be matched first.
    if isinstance(exc, InvalidSignatureError):
        return "bad signature"
    if isinstance(exc, InvalidAudienceError):
        return "wrong audience"
    if isinstance(exc, InvalidIssuerError):
        return "wrong issuer"
    if isinstance(exc, MissingRequiredClaimError):
        return f"missing claim {exc.claim}"
    if isinstance(exc, InvalidAlgorithmError):
        return "unsupported algorithm"
    if isinstance(exc, InvalidSubjectError):
        return "invalid subject"
    return "malformed token"


def _timestamp(claims: dict[str, Any], name: str) -> float:
    """A time claim as seconds; JSON allows NaN and Infinity, which would defeat comparisons."""
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidIdToken(f"malformed {name} claim")
    return float(value)


def _identity(claims: dict[str, Any]) -> FirebaseIdentity:
    uid = claims["sub"]
    if not isinstance(uid, str) or not uid:
        raise InvalidIdToken("empty subject")
    if len(uid) > MAX_UID_LENGTH:
        raise InvalidIdToken("subject too long")
    email = claims.get("email")
    return FirebaseIdentity(
        uid=uid,
        email=email if isinstance(email, str) else None,
        email_verified=claims.get("email_verified") is True,
    )
