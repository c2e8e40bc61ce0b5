"""The interactive API documentation, Swagger UI at /api/docs and ReDoc at /api/redoc.

FastAPI's own pages load both from a CDN, so they are blank offline; these load them from
``static/vendor`` (npm packages pinned by package-lock.json, copied there by `make vendor`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

from propintel.web.security import public

VENDOR = "/static/vendor"
SWAGGER_UI = f"{VENDOR}/swagger-ui"
FAVICON = f"{SWAGGER_UI}/favicon-32x32.png"
# The browser holds the pages to this site: ReDoc's bundle would fetch its maker's logo from a CDN.
# Both pages start from an inline script or inline styles, and ReDoc searches in a blob: worker.
OWN_SITE_ONLY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:"
)

router = APIRouter(prefix="/api", include_in_schema=False)


@router.get("/docs")
@public
async def swagger_ui(request: Request) -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} API",
        swagger_js_url=f"{SWAGGER_UI}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_UI}/swagger-ui.css",
        swagger_favicon_url=FAVICON,
        # No badge from the public validator service: it would send our schema's URL off-site.
        swagger_ui_parameters={"validatorUrl": None},
    )
    page.headers["Content-Security-Policy"] = OWN_SITE_ONLY
    return page


@router.get("/redoc")
@public
async def redoc(request: Request) -> HTMLResponse:
    page = get_redoc_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} API",
        redoc_js_url=f"{VENDOR}/redoc/redoc.standalone.js",
        redoc_favicon_url=FAVICON,
        with_google_fonts=False,
    )
    page.headers["Content-Security-Policy"] = OWN_SITE_ONLY
    return page
