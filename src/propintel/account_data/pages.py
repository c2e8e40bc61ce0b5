"""The "Your data" page: download the export, delete the account (docs/accounts.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.account_data import service
from propintel.auth.deps import AnyUser, OptionalUser
from propintel.auth.models import User
from propintel.db.session import DbSession, StreamingDbSession
from propintel.kit.clock import today_new_york
from propintel.kit.errors import DomainError
from propintel.web.client_ip import client_ip
from propintel.web.security import SESSION_COOKIE, public
from propintel.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE = "account_data/data.html"
GOODBYE = "/account/deleted"


def export_response(session: AsyncSession, user: User) -> StreamingResponse:
    """The export streamed as a JSON attachment, read through ``session`` (a streaming one)."""

    async def body() -> AsyncIterator[bytes]:
        async for chunk in service.export_chunks(session, user.user_id):
            yield chunk.encode()

    filename = service.export_filename(today_new_york())
    return StreamingResponse(
        body(),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


async def _page(
    request: Request, db: DbSession, user: User, *, status_code: int = 200, **form: object
) -> Response:
    facts = await service.deletion_facts(db, user)
    return render(
        request, PAGE, {"account_email": user.email, **facts, **form}, status_code=status_code
    )


@router.get("/account/data", response_class=HTMLResponse)
async def data_page(request: Request, user: AnyUser, db: DbSession) -> Response:
    return await _page(request, db, user)


@router.get("/account/data/export")
async def download_export(user: AnyUser, stream_db: StreamingDbSession) -> StreamingResponse:
    return export_response(stream_db, user)


@router.post("/account/data/delete")
async def delete_account(
    request: Request,
    user: AnyUser,
    db: DbSession,
    email: str = Form(""),
    password: str = Form(""),
) -> Response:
    state = request.app.state
    try:
        await service.erase_account(
            db,
            state.settings,
            user,
            typed_email=email,
            password=password or None,
            ip=client_ip(request),
            storage=getattr(state, "file_storage", None),
        )
    except DomainError as error:
        return await _page(
            request,
            db,
            user,
            status_code=error.status_code,
            error=error.message,
            error_field=error.field,
            typed_email=email,
        )
    # Logged out: the session row is gone; the cookie goes too.
    response = RedirectResponse(GOODBYE, status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get(GOODBYE, response_class=HTMLResponse)
@public
async def goodbye_page(request: Request, user: OptionalUser) -> Response:
    return render(request, "account_data/goodbye.html")
