"""The base of every repository: the one place a domain's SQL lives.

Services build their repositories from the session they are given (``XRepository.from_session``,
the shape Polar uses), so endpoints, pages and jobs pass a session and never import a repository;
and a domain never imports another domain's repository: it calls that domain's service.
"""

from __future__ import annotations

from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession


class Repository:
    """Queries of one domain over one session; flushes, never commits (the unit of work does)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> Self:
        return cls(session)
