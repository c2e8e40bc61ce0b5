"""Rendering pages: Jinja2 templates with the CSRF token, the user and one-shot flash messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.datastructures import URL, URLPath

from propintel.integrations.email import EmailMessage
from propintel.kit import i18n
from propintel.web.security import CSRF_FIELD, csrf_token_of

TEMPLATE_DIR = Path(__file__).parent / "templates"
FLASH_COOKIE = "propintel_flash"
templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
templates.env.add_extension("jinja2.ext.i18n")
# newstyle: ``_("Hello %(name)s", name=…)`` formats and escapes like any other expression.
templates.env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the extension
    i18n.gettext, i18n.ngettext, newstyle=True
)


@pass_context
def _gettext(context: Context, message: str, /, **variables: Any) -> str:
    """jinja2's newstyle ``gettext`` (``jinja2.ext._make_new_gettext``) calling ours directly:
    ``_()`` runs some 600 times on a page of results, each through two ``Context.call`` hops
    (the ``_`` alias, then the wrapper)."""
    text = i18n.gettext(message)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - a catalog text (ours), as jinja2.ext marks it
    return text % variables


templates.env.globals.update(
    _=_gettext,
    gettext=_gettext,
    current_locale=i18n.current_locale,
    locale_names=i18n.LOCALE_NAMES,
    N_=i18n.N_,
)
templates.env.filters.update(
    number=i18n.format_number,
    percent=i18n.format_percent,
    currency=i18n.format_currency,
    cents=i18n.format_cents,
    date=i18n.format_date,
    datetime=i18n.format_datetime,
)


@pass_context
def _url_for(context: Context, name: str, /, **path_params: Any) -> URL:
    """``request.url_for`` (Starlette's template global) with each route path looked up once per
    app: FastAPI finds one by walking every route of every included router, milliseconds a call,
    and a page asks for a dozen (its stylesheets and scripts)."""
    request: Request = context["request"]
    paths: dict[tuple[str, tuple[tuple[str, Any], ...]], URLPath] | None = getattr(
        request.app.state, "url_paths", None
    )
    if paths is None:
        paths = request.app.state.url_paths = {}
    key = (name, tuple(sorted(path_params.items())))
    url_path = paths.get(key)
    if url_path is None:
        router = request.scope.get("router") or request.app
        url_path = paths[key] = router.url_path_for(name, **path_params)
    return url_path.make_absolute_url(base_url=request.base_url)


templates.env.globals["url_for"] = _url_for


def _flash_serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.signing_key, salt="propintel.flash")


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    messages: list[dict[str, str]] = []
    raw = request.cookies.get(FLASH_COOKIE)
    if raw:
        try:
            messages = json.loads(_flash_serializer(request).loads(raw))
        except (BadSignature, ValueError):
            messages = []
    page_context = {
        "request": request,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token_of(request),
        "viewer": getattr(request.state, "viewer", None),
        "flash_messages": messages,
        "settings": request.app.state.settings,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, template, page_context, status_code=status_code)
    if raw:
        response.delete_cookie(FLASH_COOKIE)
    return response


def redirect_with_flash(
    request: Request, url: str, message: str, level: str = "info"
) -> RedirectResponse:
    """A 303 redirect that shows ``message`` once on the next page."""
    response = RedirectResponse(url, status_code=303)
    payload = json.dumps([{"level": level, "text": message}])
    response.set_cookie(
        FLASH_COOKIE,
        _flash_serializer(request).dumps(payload),
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.cookie_secure,
    )
    return response


def templated_email(
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    *,
    locale: str | None = None,
    **fields: Any,
) -> EmailMessage:
    """An email whose bodies are ``emails/<template>.txt`` and ``.html`` rendered with
    ``context`` in the recipient's ``locale`` (else the current one); ``subject`` is an English
    message id, translated too. ``fields``: the message's other fields (``category``,
    ``user_id``)."""
    with i18n.using_locale(locale or i18n.current_locale()):
        text, html = (
            templates.env.get_template(f"emails/{template}.{kind}").render(context)
            for kind in ("txt", "html")
        )
        subject = i18n.gettext(subject)
    return EmailMessage(to=to, subject=subject, text=text, html=html, **fields)
