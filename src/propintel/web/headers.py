"""Security headers on every response: Content-Security-Policy, HSTS (production only),
Referrer-Policy, Permissions-Policy, nosniff, and ``Cache-Control: no-store`` on what a logged-in
user is sent.

The policy allows no inline script (every script is a file under /static; JSON data islands
``<script type="application/json">`` are not run, so CSP does not apply to them). Inline ``style``
*attributes* are allowed (``style-src-attr 'unsafe-inline'``) because Leaflet and the e-mail
previews (a sandboxed ``srcdoc`` iframe inherits this policy) rely on them; ``<style>`` elements
and style sheets from other sites stay refused (``style-src-elem 'self'``), which is what would
let injected CSS read the page. A response that sets its own policy (the API docs pages) keeps it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from propintel.config import Settings
from propintel.web.security import SESSION_COOKIE

HSTS = "max-age=31536000; includeSubDomains"
REFERRER_POLICY = "strict-origin-when-cross-origin"
# The call simulator listens through the microphone (speech input); nothing uses the rest.
PERMISSIONS_POLICY = "camera=(), microphone=(self), geolocation=(), payment=(), usb=()"
# Firebase's web SDK calls these from the sign-in pages (REST sign-in, token refresh) and opens
# its helper iframe / popup on the project's auth domain; Google sign-in loads apis.google.com.
FIREBASE_CONNECT = (
    "https://identitytoolkit.googleapis.com",
    "https://securetoken.googleapis.com",
    "https://www.googleapis.com",
)
FIREBASE_SCRIPT = ("https://apis.google.com",)
# Buying credits posts a form answered by a redirect to Stripe Checkout (form-action covers it).
STRIPE_CHECKOUT = "https://checkout.stripe.com"
STATIC_PREFIX = "/static/"


def _origin(url: str | None) -> str | None:
    """``scheme://host[:port]`` of an absolute URL (a tile template's host); None for a path."""
    if not url or url.startswith("/"):
        return None
    parts = urlsplit(url.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc
    if "{s}" in url:  # Leaflet's subdomains: a.tile…, b.tile…, c.tile…
        host = "*." + host.split(".", 1)[1] if "." in host else host
    return f"{parts.scheme}://{host}"


def content_security_policy(settings: Settings) -> str:
    """The policy of every page, from the settings (map tiles' host, Firebase sign-in)."""
    scripts = ["'self'"]
    connect = ["'self'"]
    frames = ["'none'"]
    images = ["'self'", "data:"]
    forms = ["'self'"]
    tiles = _origin(settings.map_tile_url)
    if tiles:
        images.append(tiles)
    if settings.firebase_web_enabled:
        scripts.extend(FIREBASE_SCRIPT)
        connect.extend(FIREBASE_CONNECT)
        frames = [f"https://{settings.firebase_web_auth_domain}"]
    if settings.uses_stripe:
        forms.append(STRIPE_CHECKOUT)
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": images,
        "connect-src": connect,
        "frame-src": frames,
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": forms,
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def is_private(scope: Scope, headers: MutableHeaders) -> bool:
    """Is this response meant for one logged-in user (or does it log one in)? Static files never."""
    if scope.get("path", "").startswith(STATIC_PREFIX):
        return False
    state = scope.get("state") or {}
    if state.get("viewer") is not None:
        return True
    request_headers = dict(scope.get("headers") or [])
    if request_headers.get(b"authorization", b"").lower().startswith(b"bearer "):
        return True
    cookie = request_headers.get(b"cookie", b"").decode("latin-1")
    if f"{SESSION_COOKIE}=" in cookie:
        return True
    return any(value.startswith(f"{SESSION_COOKIE}=") for value in headers.getlist("set-cookie"))


class SecurityHeadersMiddleware:
    """Adds the headers to each response's start message (a plain ASGI middleware).

    Headers a route set itself win (``setdefault``): the API docs' own policy, a private photo's
    ``Cache-Control: private, max-age=…``."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.policy = content_security_policy(settings)
        self.hsts = settings.environment == "production"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", self.policy)
                headers.setdefault("Referrer-Policy", REFERRER_POLICY)
                headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", HSTS)
                if is_private(scope, headers):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
