"""Retrieval: the passages of a subscriber's OWN knowledge base and active scripts that best match
a question, by PostgreSQL full-text search in English and Spanish (revision 0019's generated
``search_en`` / ``search_es`` columns, GIN-indexed). The chat gives these passages to the model;
the /assistant page shows them in its "Search your knowledge" box.

Words are matched with both configurations (``websearch_to_tsquery``: quotes, ``or`` and ``-word``
work as on a search engine), OR-ed, and ranked by the greater ``ts_rank_cd`` (title weight A above
body weight B). An empty or meaningless query finds nothing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant.retrieval_repository import RetrievalRepository

KINDS = ("knowledge", "script")
MAX_QUERY = 500  # characters of a question searched; the rest is ignored
MAX_LIMIT = 50
MAX_WORDS = 30  # of a question, for ``search_any``
_WORD = re.compile(r"\w{3,}")
_OPERATORS = frozenset({"or", "and", "not"})


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


def any_of_words(question: str) -> str:
    """A question as a search that matches ANY of its words (``websearch_to_tsquery``'s ``or``),
    each once, in order: a natural question seldom has all its words in one entry. The search
    configurations drop the stop words ("the", "para")."""
    words: list[str] = []
    for word in _WORD.findall(question.lower()):
        if word not in _OPERATORS and word not in words:
            words.append(word)
    return " or ".join(words[:MAX_WORDS])


async def search_any(
    session: AsyncSession,
    user_id: uuid.UUID,
    question: str,
    *,
    limit: int = 5,
    kinds: Sequence[str] = KINDS,
) -> list[Passage]:
    """The chat's retrieval: the subscriber's passages that share any word with ``question``,
    the best-ranked (most and rarest words, title first) first."""
    return await search(session, user_id, any_of_words(question), limit=limit, kinds=kinds)
