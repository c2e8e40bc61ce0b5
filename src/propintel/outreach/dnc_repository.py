"""The Do-Not-Call list (``dnc_numbers``): bulk load through COPY into a staging table, then one
set-based insert; counts by area code."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, text

from propintel.db.repository import Repository
from propintel.outreach.tables import dnc_numbers

STAGING = "dnc_staging"

# Kept as text: a temporary table, a COPY and an INSERT … SELECT DISTINCT … ON CONFLICT in a
# data-modifying CTE that counts what it added: the import's set-based steps (docs/architecture.md,
# "Imports"). The staging table lives as long as the transaction and is emptied before each load,
# so two loads in one transaction are fine.
_CREATE_STAGING = text(
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} (phone text NOT NULL, area_code text NOT NULL)"
    " ON COMMIT DROP"
)
_EMPTY_STAGING = text(f"TRUNCATE {STAGING}")
_COPY = f"COPY {STAGING} (phone, area_code) FROM STDIN"
_STAGED = text(f"SELECT count(*), count(DISTINCT phone) FROM {STAGING}")
_INSERT = text(
    f"""
    WITH added AS (
      INSERT INTO dnc_numbers (phone, area_code, source, imported_at)
      SELECT DISTINCT phone, area_code, :source, :now FROM {STAGING}
      ON CONFLICT (phone) DO NOTHING
      RETURNING 1)
    SELECT count(*) FROM added
    """
)


class DncRepository(Repository):
    async def load(
        self, batches: Iterable[list[tuple[str, str]]], *, source: str, now: object
    ) -> tuple[int, int, int]:
        """COPY every (E.164 number, area code) of ``batches`` into the staging table, then add
        the new ones to the list. (rows staged, distinct numbers, numbers added)."""
        await self.session.execute(_CREATE_STAGING)
        await self.session.execute(_EMPTY_STAGING)
        connection = await self.session.connection()
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        async with driver.cursor() as cursor, cursor.copy(_COPY) as copy:
            for batch in batches:
                for row in batch:
                    await copy.write_row(row)
        staged, distinct = (await self.session.execute(_STAGED)).one()
        added = await self.session.scalar(_INSERT, {"source": source, "now": now})
        return int(staged), int(distinct), int(added or 0)

    async def counts_by_area_code(self) -> list[tuple[str, int]]:
        query = (
            select(dnc_numbers.c.area_code, func.count())
            .group_by(dnc_numbers.c.area_code)
            .order_by(dnc_numbers.c.area_code)
        )
        return [(str(code), int(count)) for code, count in (await self.session.execute(query))]

    async def total(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(dnc_numbers)) or 0)
