"""Every query of the scoring domain except the refresh itself (``refresh_sql.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import text

from propintel.db.repository import Repository
from propintel.scoring import quality
from propintel.scoring.indicators import hits
from propintel.scoring.mortgage import stored_amortisation_cte
from propintel.scoring.refresh_sql import (
    ARMS_LENGTH,
    AS_OF,
    LAST_SALE_ORDER,
    OPEN_SIGNAL,
    distressed_key_sql,
    inputs_sql,
    listing_days,
    new_homeowner_key_sql,
)


@dataclass(frozen=True)
class IndicatorRow:
    indicator_id: uuid.UUID
    intent_type: str | None
    indicator_name: str
    weight: int
    description: str | None
    detected: int  # properties with this indicator in property_intents


@dataclass(frozen=True)
class StoredIntent:
    indicator_name: str
    intent_type: str | None
    weight: int
    description: str | None
    detected_at: datetime | None


# What an explanation's evidence reads (the refresh's own inputs ``p`` and ``s``).
FACT_COLUMNS = """p.dor_use_code, COALESCE(p.out_of_state_owner, false) AS out_of_state_owner,
  p.market_value, p.lot_size_sqft, p.year_built, COALESCE(p.pool, false) AS pool, s.sale_date,
  s.sale_price, s.days, s.mortgage, p.market_value - s.mortgage AS equity"""
INDICATOR_COLUMNS = "i.indicator_id, i.intent_type, i.indicator_name, i.weight, i.description"
PROPERTY_COLUMNS = """property_id, folio_number, parcel_id, full_address, property_type,
  dor_use_code, source, owner_name, mailing_state, out_of_state_owner, market_value,
  last_sale_price, lot_size_sqft, year_built, pool, distressed_score, intent_breakdown,
  has_tax_lien, has_code_violation, is_pre_foreclosure, is_foreclosure, is_vacant, is_probate,
  is_divorce, is_heirship, is_new_homeowner, sale_date, days_since_sale, new_homeowner_score,
  mortgage_balance, estimated_equity, data_quality_score, last_updated"""


class ScoringRepository(Repository):
    async def indicators(self, *, with_counts: bool = True) -> list[IndicatorRow]:
        """Every indicator (with how many properties have it, or 0 without ``with_counts``),
        distressed first, heaviest first."""
        counts = (
            "SELECT indicator_id, count(*) AS detected FROM property_intents GROUP BY indicator_id"
            if with_counts
            else "SELECT NULL::uuid AS indicator_id, 0 AS detected WHERE false"
        )
        rows = await self.session.execute(
            text(
                f"SELECT {INDICATOR_COLUMNS}, COALESCE(d.detected, 0) AS detected "
                f"FROM intent_indicators i LEFT JOIN ({counts}) d USING (indicator_id) "
                "ORDER BY i.intent_type, i.weight DESC, i.indicator_name"
            )
        )
        return [IndicatorRow(**row._mapping) for row in rows]

    async def refresh_waiting(self, task_name: str) -> str | None:
        """``todo`` or ``doing`` when a refresh job is queued or running, else None."""
        status: str | None = await self.session.scalar(
            text(
                "SELECT status::text FROM procrastinate_jobs WHERE task_name = :task "
                "AND status IN ('todo', 'doing') ORDER BY status DESC LIMIT 1"
            ),
            {"task": task_name},
        )
        return status

    async def last_refreshed_at(self) -> datetime | None:
        """When the last score refresh committed (New York time); None: never."""
        found: datetime | None = await self.session.scalar(
            text("SELECT refreshed_at FROM scoring_state")
        )
        return found

    async def indicators_for_update(self, names: Iterable[str]) -> dict[str, IndicatorRow]:
        """The named indicators, locked until the transaction ends (name → row)."""
        rows = await self.session.execute(
            text(
                f"SELECT {INDICATOR_COLUMNS}, 0 AS detected FROM intent_indicators i "
                "WHERE i.indicator_name = ANY(:names) FOR UPDATE"
            ),
            {"names": list(names)},
        )
        return {row.indicator_name: IndicatorRow(**row._mapping) for row in rows}

    async def set_weight(self, indicator_id: uuid.UUID, weight: int) -> None:
        await self.session.execute(
            text("UPDATE intent_indicators SET weight = :weight WHERE indicator_id = :id"),
            {"weight": weight, "id": indicator_id},
        )

    async def insert_indicator(
        self, name: str, intent_type: str, weight: int, description: str | None
    ) -> uuid.UUID | None:
        """The new row's id; None when an indicator of that name exists already."""
        indicator_id: uuid.UUID | None = (
            await self.session.execute(
                text(
                    "INSERT INTO intent_indicators (intent_type, indicator_name, weight, "
                    "description) VALUES (:intent_type, :name, :weight, :description) "
                    "ON CONFLICT (indicator_name) DO NOTHING RETURNING indicator_id"
                ),
                {
                    "intent_type": intent_type,
                    "name": name,
                    "weight": weight,
                    "description": description,
                },
            )
        ).scalar_one_or_none()
        return indicator_id

    async def property_scores(self, property_id: uuid.UUID) -> dict[str, Any] | None:
        row = await self.session.execute(
            text(f"SELECT {PROPERTY_COLUMNS} FROM properties WHERE property_id = :id"),
            {"id": property_id},
        )
        found = row.mappings().first()
        return dict(found) if found else None

    async def stored_intents(self, property_id: uuid.UUID) -> list[StoredIntent]:
        rows = await self.session.execute(
            text(
                "SELECT i.indicator_name, i.intent_type, i.weight, i.description, pi.detected_at "
                "FROM property_intents pi JOIN intent_indicators i USING (indicator_id) "
                "WHERE pi.property_id = :id ORDER BY i.intent_type, i.weight DESC, i.indicator_name"
            ),
            {"id": property_id},
        )
        return [StoredIntent(**row._mapping) for row in rows]

    async def current_facts(
        self, property_id: uuid.UUID, as_of: date, new_homeowner_days: int
    ) -> dict[str, Any] | None:
        """The refresh's own inputs, rule hits (``hit_<rule>``, ``is_new``) and quality checks
        (``q_<check>``) for one property, computed now."""
        keys = (
            f"({distressed_key_sql()}) AS distressed_key, "
            f"({new_homeowner_key_sql()}) AS new_homeowner_key"
        )
        found = (
            (
                await self.session.execute(
                    text(
                        f"WITH {stored_amortisation_cte(AS_OF)}\n"
                        f"SELECT {FACT_COLUMNS}, {keys}, {quality.checks_sql(AS_OF)}\n"
                        + inputs_sql("one")
                    ),
                    {
                        "property_id": property_id,
                        "as_of": as_of,
                        "new_homeowner_days": new_homeowner_days,
                    },
                )
            )
            .mappings()
            .first()
        )
        if found is None:
            return None
        facts = dict(found)
        facts["is_new"] = facts["new_homeowner_key"] != 0
        rule_hits = hits(facts["distressed_key"], facts["new_homeowner_key"])
        facts.update({f"hit_{name}": held for name, held in rule_hits.items()})
        return facts

    async def evidence_signals(self, property_id: uuid.UUID) -> list[dict[str, Any]]:
        """The signal records the refresh counts as evidence (open; live lis pendens only), and
        the pool records that set ``properties.pool`` (any not cancelled)."""
        rows = await self.session.execute(
            text(
                "SELECT s.signal_type, s.source, s.reference, s.recorded_date, s.detail "
                f"FROM property_signals s WHERE s.property_id = :id AND ({OPEN_SIGNAL} "
                "OR (s.signal_type = 'pool' AND s.status <> 'cancelled')) "
                "ORDER BY s.recorded_date DESC NULLS LAST, s.signal_id"
            ),
            {"id": property_id},
        )
        return [dict(found) for found in rows.mappings()]

    async def last_arms_length_sale(self, folio_number: str | None) -> dict[str, Any] | None:
        if folio_number is None:
            return None
        row = await self.session.execute(
            text(
                "SELECT source, sale_date, sale_price, qualification_code, or_book, or_page, "
                "clerk_number FROM property_sales "
                f"WHERE folio_number = :folio AND qualification_code IN ({ARMS_LENGTH}) "
                f"ORDER BY {LAST_SALE_ORDER} LIMIT 1"
            ),
            {"folio": folio_number},
        )
        found = row.mappings().first()
        return dict(found) if found else None

    async def active_listings(self, property_id: uuid.UUID, as_of: date) -> list[dict[str, Any]]:
        rows = await self.session.execute(
            text(
                "SELECT listing_platform, listing_url, listed_date, "
                f"{listing_days('CAST(:as_of AS date)')} AS days "
                "FROM fsbo_listings WHERE property_id = :id AND listing_status = 'active' "
                "ORDER BY listed_date NULLS LAST"
            ),
            {"id": property_id, "as_of": as_of},
        )
        return [dict(found) for found in rows.mappings()]
