"""Public uploads (``public/…`` keys of file storage, such as business logos) served back from
whichever storage holds them. Keys are random, so a URL is known only to whoever was shown it;
anything outside ``public/`` is a 404 here (guarded documents have routes of their own)."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Request, Response

from propintel.integrations.storage import PUBLIC_PREFIX, FileStorage, InvalidKey, check_key
from propintel.kit.errors import NotFound
from propintel.kit.i18n import N_, _
from propintel.web.security import public

router = APIRouter(include_in_schema=False)
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
NO_SUCH_FILE = N_("There is no such file.")


@router.get("/media/{key:path}")
@public
async def media(request: Request, key: str) -> Response:
    try:
        check_key(key)
    except InvalidKey as error:
        raise NotFound(_(NO_SUCH_FILE)) from error
    if not key.startswith(PUBLIC_PREFIX):
        raise NotFound(_(NO_SUCH_FILE))
    storage: FileStorage = request.app.state.file_storage
    stored = await to_thread.run_sync(storage.get, key)
    if stored is None:
        raise NotFound(_(NO_SUCH_FILE))
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        # A key names one upload for ever (a new logo gets a new key).
        "Cache-Control": "public, max-age=31536000, immutable",
    }
    media_type = stored.content_type
    if media_type not in IMAGE_TYPES:
        media_type = "application/octet-stream"
        headers["Content-Disposition"] = "attachment"
    return Response(stored.data, media_type=media_type, headers=headers)
