"""The FastAPI application: routers of every domain, middleware, error handlers, static files."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from fastapi import Depends, FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from propintel import __version__
from propintel.account_data import endpoints as account_data_endpoints
from propintel.account_data import pages as account_data_pages
from propintel.admin import endpoints as admin_endpoints
from propintel.admin import pages as admin_pages
from propintel.admin import report_pages as admin_report_pages
from propintel.admin import system_pages as admin_system_pages
from propintel.admin import user_pages as admin_user_pages
from propintel.assistant import chat_endpoints as assistant_chat_endpoints
from propintel.assistant import chat_pages as assistant_chat_pages
from propintel.assistant import knowledge_endpoints as assistant_knowledge_endpoints
from propintel.assistant import knowledge_pages as assistant_knowledge_pages
from propintel.assistant import scripts_endpoints as assistant_scripts_endpoints
from propintel.assistant import scripts_pages as assistant_scripts_pages
from propintel.auth import account_endpoints as auth_account_endpoints
from propintel.auth import account_pages as auth_account_pages
from propintel.auth import endpoints as auth_endpoints
from propintel.auth import firebase_pages as auth_firebase_pages
from propintel.auth import pages as auth_pages
from propintel.billing import endpoints as billing_endpoints
from propintel.billing import pages as billing_pages
from propintel.billing.provider import payment_providers
from propintel.catalog import endpoints as catalog_endpoints
from propintel.catalog import pages as catalog_pages
from propintel.config import Settings, get_settings
from propintel.db.engine import get_engine
from propintel.home import locale as locale_switcher
from propintel.home import outbox, pages
from propintel.integrations.chat import ChatModel
from propintel.integrations.firebase import FirebaseVerifier, GoogleCertificateSource
from propintel.integrations.providers import (
    chat_model,
    email_senders,
    file_storage,
    speech_synthesizer,
    voice_networks,
)
from propintel.integrations.tts import SpeechSynthesizer
from propintel.integrations.voice import VoiceNetworks
from propintel.kit.i18n import using_locale
from propintel.kit.logging import log_context, log_request
from propintel.leads import endpoints as leads_endpoints
from propintel.leads import pages as leads_pages
from propintel.leads import service as leads_service
from propintel.maintenance import pages as maintenance_pages
from propintel.marketplace import endpoints as marketplace_endpoints
from propintel.marketplace import pages as marketplace_pages
from propintel.marketplace import reviews_pages as marketplace_reviews_pages
from propintel.marketplace import verification_endpoints as marketplace_verification_endpoints
from propintel.marketplace import verification_pages as marketplace_verification_pages
from propintel.outreach import compliance_endpoints as outreach_compliance_endpoints
from propintel.outreach import compliance_pages as outreach_compliance_pages
from propintel.outreach import crm_endpoints as outreach_crm_endpoints
from propintel.outreach import crm_pages as outreach_crm_pages
from propintel.outreach import email_endpoints as outreach_email_endpoints
from propintel.outreach import email_pages as outreach_email_pages
from propintel.outreach import pages as outreach_pages
from propintel.outreach import sms_endpoints as outreach_sms_endpoints
from propintel.outreach import sms_pages as outreach_sms_pages
from propintel.outreach import sms_simulator_pages as outreach_sms_simulator_pages
from propintel.outreach import unlock_endpoints as outreach_unlock_endpoints
from propintel.outreach import unlock_pages as outreach_unlock_pages
from propintel.profiles import endpoints as profile_endpoints
from propintel.profiles import pages as profile_pages
from propintel.saved_searches import endpoints as saved_search_endpoints
from propintel.saved_searches import pages as saved_search_pages
from propintel.scoring import endpoints as scoring_endpoints
from propintel.scoring import pages as scoring_pages
from propintel.search import endpoints as search_endpoints
from propintel.search import pages as search_pages
from propintel.tokens import endpoints as tokens_endpoints
from propintel.tokens import pages as tokens_pages
from propintel.voice import calendar_endpoints as voice_calendar_endpoints
from propintel.voice import calendar_pages as voice_calendar_pages
from propintel.voice import call_endpoints as voice_call_endpoints
from propintel.voice import call_pages as voice_call_pages
from propintel.voice import call_webhooks as voice_call_webhooks
from propintel.voice import numbers_endpoints as voice_numbers_endpoints
from propintel.voice import numbers_pages as voice_numbers_pages
from propintel.voice import simulator_pages as voice_simulator_pages
from propintel.web import api_docs, health, media
from propintel.web.errors import install_error_handlers
from propintel.web.head import HeadAsGetMiddleware
from propintel.web.headers import SecurityHeadersMiddleware
from propintel.web.locale import request_locale
from propintel.web.metrics import MetricsMiddleware
from propintel.web.openapi import install_error_documentation
from propintel.web.route_index import index_routes
from propintel.web.security import CSRF_COOKIE, enforce_csrf, new_csrf_token
from propintel.web.templating import templates
from propintel.web.uploads import UploadLimitMiddleware

STATIC_DIR = Path(__file__).parent / "web" / "static"


def create_app(
    settings: Settings | None = None,
    engine: AsyncEngine | None = None,
    firebase_verifier: FirebaseVerifier | None = None,
    chat: ChatModel | None = None,
    voice: VoiceNetworks | None = None,
    speech: SpeechSynthesizer | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="PropIntel",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url=None,  # web/api_docs.py serves Swagger UI and ReDoc from static/vendor
        redoc_url=None,
        dependencies=[Depends(enforce_csrf)],  # opt-out per route: web.security.csrf_exempt
    )
    app.state.settings = settings
    # Templates are read once, not checked on disk at every render (~100 checks for a board of
    # cards), except in development, where an edited template shows on the next page.
    templates.env.auto_reload = settings.environment == "development"
    app.state.engine = engine or get_engine(settings)
    app.state.signing_key = settings.signing_key()
    app.state.firebase_verifier = firebase_verifier or _firebase_verifier(settings)
    # Adapters chosen once by settings; each is a function of the request's session.
    app.state.email_senders = email_senders(settings)
    app.state.payment_providers = payment_providers(settings)
    app.state.file_storage = file_storage(settings)  # uploads: local disk or S3
    # The assistant's model; None: its offline composer (assistant/offline.py).
    app.state.chat_model = chat or chat_model(settings)
    # Telephone numbers and calls (offline network or Twilio), and the AI caller's voice: Gemini
    # text to speech, or None (Twilio's <Say>).
    app.state.voice_networks = voice or voice_networks(settings)
    app.state.speech = speech if speech is not None else speech_synthesizer(settings)
    app.state.saved_leads = leads_service.saved_leads_of  # search.service.SavedLeadLookup

    routers = (
        health.router,
        api_docs.router,
        auth_endpoints.router,
        auth_pages.router,
        auth_account_pages.router,
        auth_account_endpoints.router,
        auth_firebase_pages.router,
        account_data_endpoints.router,
        account_data_pages.router,
        admin_endpoints.router,
        admin_pages.router,
        admin_user_pages.router,
        admin_report_pages.router,
        admin_system_pages.router,
        catalog_endpoints.router,
        catalog_pages.router,
        maintenance_pages.router,
        search_endpoints.router,
        search_pages.router,
        scoring_endpoints.router,
        scoring_pages.router,
        tokens_endpoints.router,
        tokens_pages.router,
        billing_endpoints.router,
        billing_pages.router,
        outreach_pages.router,
        outreach_compliance_pages.router,
        outreach_compliance_endpoints.router,
        outreach_crm_pages.router,
        outreach_crm_endpoints.router,
        outreach_email_pages.router,
        outreach_email_endpoints.router,
        outreach_unlock_pages.router,
        outreach_unlock_endpoints.router,
        outreach_sms_pages.router,
        outreach_sms_endpoints.router,
        outreach_sms_simulator_pages.router,
        marketplace_verification_pages.router,
        marketplace_verification_endpoints.router,
        assistant_knowledge_pages.router,
        assistant_knowledge_endpoints.router,
        assistant_scripts_pages.router,
        assistant_scripts_endpoints.router,
        marketplace_pages.router,
        marketplace_reviews_pages.router,
        marketplace_endpoints.router,
        voice_call_webhooks.router,
        voice_call_pages.router,
        voice_call_endpoints.router,
        voice_simulator_pages.router,
        voice_numbers_pages.router,
        voice_numbers_endpoints.router,
        voice_calendar_pages.router,
        voice_calendar_endpoints.router,
        assistant_chat_pages.router,
        assistant_chat_endpoints.router,
        leads_endpoints.router,
        leads_pages.router,
        saved_search_endpoints.router,
        saved_search_pages.router,
        profile_endpoints.router,
        profile_pages.router,
        media.router,
        outbox.router,
        locale_switcher.router,
        pages.router,
    )
    for router in routers:
        app.include_router(router)
    index_routes(app)  # each router checks one pattern of its paths before walking its routes
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_error_handlers(app)
    install_error_documentation(app)  # the document tells the error bodies as they are sent
    # Requests by route template and status (GET /metrics); inside HEAD-as-GET, which copies the
    # scope the routing writes the matched route into.
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(HeadAsGetMiddleware)
    # Logo uploads are refused before their body is read when over the cap (plus the form's own).
    app.add_middleware(
        UploadLimitMiddleware,
        paths=("/profile/logo", "/api/v1/profile/logo"),
        max_bytes=settings.logo_max_bytes + 64 * 1024,
    )
    # A job's photos (marketplace/pages.py), likewise.
    app.add_middleware(
        UploadLimitMiddleware,
        paths=("/jobs",),
        max_bytes=5 * settings.marketplace_photo_max_bytes + 64 * 1024,
    )
    # Verification documents (marketplace/verification_pages.py), likewise.
    app.add_middleware(
        UploadLimitMiddleware,
        paths=("/marketplace/verification/documents",),
        max_bytes=settings.verification_document_max_bytes + 64 * 1024,
    )
    # Admin data imports (admin/pages.py): streamed to disk, refused past the setting.
    app.add_middleware(
        UploadLimitMiddleware,
        paths=("/admin/imports",),
        max_bytes=settings.import_upload_max_bytes + 64 * 1024,
    )
    # CSP, HSTS (production), Referrer- and Permissions-Policy, no-store on private responses.
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)
    app.add_middleware(RequestMiddleware)
    return app


def _firebase_verifier(settings: Settings) -> FirebaseVerifier | None:
    if not settings.firebase_project_id:
        return None
    return FirebaseVerifier(settings.firebase_project_id, GoogleCertificateSource())


class RequestMiddleware:
    """Request id, CSRF cookie for new browsers, security headers, one log line per request.

    A plain ASGI middleware (not Starlette's ``BaseHTTPMiddleware``, which runs every request
    through an extra task and memory stream): it only edits the response's first message."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request = Request(scope)
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        new_token = None if request.cookies.get(CSRF_COOKIE) else new_csrf_token()
        request.state.request_id = request_id
        request.state.csrf_token = new_token or request.cookies.get(CSRF_COOKIE)
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                _add_headers(MutableHeaders(scope=message), request, request_id, new_token)
            await send(message)

        try:
            with log_context(request_id=request_id), using_locale(request_locale(request)):
                await self.app(scope, receive, send_with_headers)
        finally:
            viewer = getattr(request.state, "viewer", None)
            log_request(
                {
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.url.path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "user_id": str(viewer.user_id) if viewer else None,
                }
            )


def _add_headers(
    headers: MutableHeaders, request: Request, request_id: str, new_token: str | None
) -> None:
    if new_token:
        cookie = Response()
        cookie.set_cookie(
            CSRF_COOKIE,
            new_token,
            httponly=True,
            samesite="lax",
            secure=request.app.state.settings.cookie_secure,
        )
        headers.append("set-cookie", cookie.headers["set-cookie"])
    headers["X-Request-ID"] = request_id
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
