"""The subscriber's knowledge base: what the assistant knows about their business (services,
pricing, policies, answers to objections...), one entry per topic, in the subscriber's words.

Every function takes the subscriber's ``user_id`` and touches only their rows: another
subscriber's entry is ``NotFound`` (404), exactly like a missing one. Managing the knowledge base
is free, so unverified and suspended subscribers may use it too.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import starters
from propintel.assistant.knowledge_repository import EntryRow, KnowledgeRepository
from propintel.kit.errors import Invalid, NotFound
from propintel.kit.i18n import N_, _
from propintel.kit.pagination import KeyPart, Listing, fingerprint
from propintel.kit.tags import normalise_tags, spelled_as

MAX_TITLE = 255
MAX_CONTENT = 20_000

# Slugs are stored and never renamed; labels are message ids translated where shown.
CONTENT_TYPES: Final[dict[str, str]] = {
    "faq": N_("Question and answer"),
    "service": N_("Service"),
    "pricing": N_("Pricing"),
    "policy": N_("Policy"),
    "objection": N_("Answer to an objection"),
    "about": N_("About the business"),
    "other": N_("Other"),
}

ENTRIES = Listing("assistant_knowledge", (KeyPart.DATETIME, KeyPart.UUID))

__all__ = ["CONTENT_TYPES", "EntryRow"]


class EntryNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("This knowledge-base entry does not exist."))


def content_type_label(slug: str | None) -> str:
    label = CONTENT_TYPES.get(slug or "")
    return _(label) if label else (slug or _("Other"))


def _text(value: str) -> str:
    """``value`` trimmed, without NUL characters (PostgreSQL's text cannot hold them)."""
    return value.replace("\x00", "").strip()


def _title(value: str) -> str:
    title = _text(value)
    if not title:
        raise Invalid(_("Give the entry a title."), field="title")
    if len(title) > MAX_TITLE:
        raise Invalid(
            _("A title has at most {limit} characters ({count} given).").format(
                limit=MAX_TITLE, count=len(title)
            ),
            field="title",
        )
    return title


def _content(value: str) -> str:
    content = _text(value)
    if not content:
        raise Invalid(_("Write the entry's content."), field="content")
    if len(content) > MAX_CONTENT:
        raise Invalid(
            _("The content has at most {limit} characters ({count} given).").format(
                limit=f"{MAX_CONTENT:,}", count=f"{len(content):,}"
            ),
            field="content",
        )
    return content


def _content_type(value: str) -> str:
    if value not in CONTENT_TYPES:
        raise Invalid(_("Choose the kind of entry from the list."), field="content_type")
    return value


def split_tags(raw: str) -> list[str]:
    """Tags typed in one box, separated by commas."""
    return [part for part in raw.split(",") if part.strip()]


async def _tags(repo: KnowledgeRepository, user_id: uuid.UUID, tags: Sequence[str]) -> list[str]:
    return normalise_tags(tags, await repo.tag_names(user_id)) if tags else []


async def entries_page(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None = None,
    content_type: str | None = None,
    tag: str | None = None,
) -> tuple[list[EntryRow], str | None]:
    """The subscriber's entries, the latest updated first, optionally of one type or tag."""
    repo = KnowledgeRepository.from_session(session)
    if content_type:
        _content_type(content_type)
    wanted_tag = spelled_as(tag.strip(), await repo.tag_names(user_id)) if tag else None
    bound = fingerprint({"type": content_type or None, "tag": wanted_tag})
    after = ENTRIES.decode_optional(cursor, bound_to=bound)
    rows = await repo.page(
        user_id, after, limit + 1, content_type=content_type or None, tag=wanted_tag
    )
    return ENTRIES.page(rows, limit, lambda r: (r.updated_at, r.kb_id), bound_to=bound)


async def tag_names(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    return await KnowledgeRepository.from_session(session).tag_names(user_id)


async def entry(session: AsyncSession, user_id: uuid.UUID, kb_id: uuid.UUID) -> EntryRow:
    """One of the subscriber's entries (``EntryNotFound`` otherwise)."""
    row = await KnowledgeRepository.from_session(session).get(user_id, kb_id)
    if row is None:
        raise EntryNotFound()
    return row


async def create_entry(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    title: str,
    content: str,
    content_type: str,
    tags: Sequence[str] = (),
    now: datetime,
) -> EntryRow:
    repo = KnowledgeRepository.from_session(session)
    values = {
        "content_type": _content_type(content_type),
        "title": _title(title),
        "content": _content(content),
        "tags": await _tags(repo, user_id, tags),
    }
    kb_id = await repo.insert(user_id, now=now, **values)  # type: ignore[arg-type]
    return await entry(session, user_id, kb_id)


async def update_entry(
    session: AsyncSession,
    user_id: uuid.UUID,
    kb_id: uuid.UUID,
    *,
    title: str | None = None,
    content: str | None = None,
    content_type: str | None = None,
    tags: Sequence[str] | None = None,
    now: datetime,
) -> EntryRow:
    """Change the given fields of one of the subscriber's entries (``updated_at`` moves)."""
    repo = KnowledgeRepository.from_session(session)
    await entry(session, user_id, kb_id)
    values: dict[str, object] = {}
    if title is not None:
        values["title"] = _title(title)
    if content is not None:
        values["content"] = _content(content)
    if content_type is not None:
        values["content_type"] = _content_type(content_type)
    if tags is not None:
        values["tags"] = await _tags(repo, user_id, tags)
    if not await repo.update(user_id, kb_id, values, now):
        raise EntryNotFound()
    return await entry(session, user_id, kb_id)


async def delete_entry(session: AsyncSession, user_id: uuid.UUID, kb_id: uuid.UUID) -> None:
    if not await KnowledgeRepository.from_session(session).delete(user_id, kb_id):
        raise EntryNotFound()


async def copy_starters(
    session: AsyncSession, user_id: uuid.UUID, trade: str, language: str, *, now: datetime
) -> int:
    """Copy the starter entries of a trade in a language into the subscriber's knowledge base
    (their own rows from then on); how many were added. An entry whose title the subscriber
    already has is skipped, so copying twice adds nothing and an edited copy stays as edited."""
    chosen = starters.starter_set(trade, language)
    if chosen is None or not chosen.knowledge:
        raise Invalid(_("There is no starter set for this trade and language."), field="trade")
    titles = [item.title for item in chosen.knowledge]
    existing = await KnowledgeRepository.from_session(session).titles(user_id, titles)
    added = [item for item in chosen.knowledge if item.title not in existing]
    for item in added:
        await create_entry(
            session,
            user_id,
            title=item.title,
            content=item.content,
            content_type=item.content_type,
            tags=item.tags,
            now=now,
        )
    return len(added)
