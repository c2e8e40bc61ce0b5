"""The "Your data" API: the account's export as JSON, and the deletion of the account."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from propintel.account_data import service
from propintel.account_data.pages import export_response
from propintel.account_data.schemas import DeleteAccountIn, ErasedOut
from propintel.auth.deps import AnyUser
from propintel.db.session import DbSession, StreamingDbSession
from propintel.web.client_ip import client_ip

router = APIRouter(prefix="/api/v1", tags=["account"])


@router.get("/account/export", response_class=StreamingResponse)
async def export_account(user: AnyUser, stream_db: StreamingDbSession) -> StreamingResponse:
    """Everything the account owns as one JSON document (streamed): the account and profile
    rows, sessions and API keys (never their secrets), token purchases, transactions, usage and
    holds, subscriptions and invoices, leads with notes, tags and tasks, saved searches, search
    exports, audit entries about the account. See docs/accounts.md, "Your data"."""
    return export_response(stream_db, user)


@router.delete("/account", response_model=ErasedOut)
async def delete_account(
    request: Request, body: DeleteAccountIn, user: AnyUser, db: DbSession
) -> ErasedOut:
    """Delete the account: personal data erased, financial records kept (docs/accounts.md).
    Confirm with the account's e-mail and its current password (accounts without a password:
    the e-mail). 422 names the field that did not match; 409 while a plan renews (cancel it
    first). Every session and API key stops working, this one included."""
    state = request.app.state
    erased = await service.erase_account(
        db,
        state.settings,
        user,
        typed_email=body.email,
        password=body.password,
        ip=client_ip(request),
        storage=getattr(state, "file_storage", None),
    )
    return ErasedOut(
        user_id=erased.user_id,
        tokens_forfeited=erased.tokens_forfeited,
        leads_deleted=erased.leads_deleted,
        saved_searches_deleted=erased.saved_searches_deleted,
    )
