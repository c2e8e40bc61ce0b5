"""Retrieval: the passages of a subscriber's OWN knowledge base and active scripts that best match
a question, by PostgreSQL full-text search in English and Spanish (revision 0019's generated
``search_en`` / ``search_es`` columns, GIN-indexed). The chat gives these passages to the model;
the /assistant page shows them in its "Search your knowledge" box.

Words are matched with both configurations (``websearch_to_tsquery``: quotes, ``or`` and ``-word``
work as on a search engine), OR-ed, and ranked by the greater ``ts_rank_cd`` (title weight A above
body weight B). An empty or meaningless query finds nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant.retrieval_repository import RetrievalRepository

KINDS = ("knowledge", "script")
MAX_QUERY = 500  # characters of a question searched; the rest is ignored
MAX_LIMIT = 50


@dataclass(frozen=True)
class Passage:
    """A ranked passage: ``kind`` is "knowledge" or "script", ``id`` its row's id, ``snippet``
    plain text around the matched words (escape it when shown)."""

    kind: str
    id: uuid.UUID
    title: str
    snippet: str
    rank: float


async def search(
    session: AsyncSession,
    user_id: uuid.UUID,
    query: str,
    *,
    limit: int = 5,
    kinds: Sequence[str] = KINDS,
) -> list[Passage]:
    """The subscriber's best passages for ``query``, best first (at most ``limit``)."""
    text = " ".join(query.replace("\x00", " ").split())[:MAX_QUERY]  # PostgreSQL refuses NUL
    wanted = [kind for kind in kinds if kind in KINDS]
    if not text or not wanted or limit < 1:
        return []
    rows = await RetrievalRepository.from_session(session).search(
        user_id, text, wanted, min(limit, MAX_LIMIT)
    )
    return [Passage(row.kind, row.id, row.title, row.snippet, row.rank) for row in rows]
