"""Retrieval's SQL: full-text search over one subscriber's knowledge base and active scripts.

The query text is only ever a bound parameter of ``websearch_to_tsquery`` (which never raises on
any input), and every branch is filtered by ``user_id``: the rows fetched depend on the
subscriber and the words, never on anything written inside an entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)

from propintel.assistant.tables import knowledge_base, scripts
from propintel.db.repository import Repository

# Plain text out: no markup in the snippet (templates escape it anyway).
_HEADLINE = (
    'StartSel="", StopSel="", MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'
)
_ENGLISH: ColumnElement[Any] = literal_column("'english'::regconfig")
_SPANISH: ColumnElement[Any] = literal_column("'spanish'::regconfig")


@dataclass(frozen=True)
class PassageRow:
    kind: str
    id: uuid.UUID
    title: str
    snippet: str
    rank: float


def _branch(
    kind: str,
    id_column: ColumnElement[uuid.UUID],
    title: ColumnElement[str],
    body: ColumnElement[str],
    search_en: ColumnElement[object],
    search_es: ColumnElement[object],
    user_column: ColumnElement[uuid.UUID],
    user_id: uuid.UUID,
    text: str,
    *extra: ColumnElement[bool],
) -> Select[tuple[str, uuid.UUID, str, str, float]]:
    query_en = func.websearch_to_tsquery(_ENGLISH, literal(text))
    query_es = func.websearch_to_tsquery(_SPANISH, literal(text))
    rank_en = func.ts_rank_cd(search_en, query_en)
    rank_es = func.ts_rank_cd(search_es, query_es)
    document = func.concat_ws(" — ", title, body)
    snippet = case(
        (
            rank_es > rank_en,
            func.ts_headline(_SPANISH, document, query_es, literal(_HEADLINE)),
        ),
        else_=func.ts_headline(_ENGLISH, document, query_en, literal(_HEADLINE)),
    )
    return select(
        literal(kind).label("kind"),
        id_column.label("id"),
        title.label("title"),
        snippet.label("snippet"),
        func.greatest(rank_en, rank_es).label("rank"),
    ).where(
        user_column == user_id,
        or_(
            search_en.bool_op("@@")(query_en),
            search_es.bool_op("@@")(query_es),
        ),
        *extra,
    )


class RetrievalRepository(Repository):
    async def search(
        self, user_id: uuid.UUID, text: str, kinds: Sequence[str], limit: int
    ) -> list[PassageRow]:
        """The subscriber's best-ranked passages for ``text`` (the greater of the English and
        Spanish ranks; a title match outranks a body match by the columns' weights)."""
        branches = []
        if "knowledge" in kinds:
            kb = knowledge_base.c
            branches.append(
                _branch(
                    "knowledge",
                    kb.kb_id,
                    kb.title,
                    kb.content,
                    kb.search_en,
                    kb.search_es,
                    kb.user_id,
                    user_id,
                    text,
                )
            )
        if "script" in kinds:
            sc = scripts.c
            branches.append(
                _branch(
                    "script",
                    sc.script_id,
                    sc.script_name,
                    sc.script_content,
                    sc.search_en,
                    sc.search_es,
                    sc.user_id,
                    user_id,
                    text,
                    sc.is_active.is_(True),
                )
            )
        if not branches:
            return []
        found = union_all(*branches).subquery("found")
        query = select(found).order_by(found.c.rank.desc(), found.c.kind, found.c.id).limit(limit)
        return [
            PassageRow(row.kind, row.id, row.title, row.snippet, float(row.rank))
            for row in await self.session.execute(query)
        ]
