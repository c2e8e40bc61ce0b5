"""What a score refresh does, decided before any of it runs: plain data, no SQL.

From the last refresh's state (``scoring_state``, read by ``refresh_sql.state_statement``) and
today's date, ``plan_refresh`` decides the *mode*: **incremental** (examine only the properties
whose inputs may have changed since the last refresh), **all** (examine every property: first run,
or the rules, weights, settings or year changed) or **full** (every property, with the sale
summaries repaired first and every stored indicator reconciled: the Sunday run).
``RefreshPlan.steps`` is the order of the work; ``refresh_sql.statements`` turns a plan into SQL
and ``refresh.py`` runs it. ``rewrites_most_properties`` decides, once the changes are counted,
whether the update takes the bulk path (without the secondary indexes). Details: docs/scoring.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from enum import Enum
from typing import Any, Final, Literal

XID_SPAN: Final = 1 << 32
# Beyond this many transactions since the last refresh, 32-bit transaction ids may have wrapped
# around for the comparison ``age(xmin) <= age(...)``: examine everything instead.
MAX_XID_DISTANCE: Final = 1 << 30
# A bulk rewrite: at least this many changed rows, and at least half of those examined.
BULK_REWRITE_MIN_ROWS: Final = 100_000

Examined = Literal["all", "candidates"]


class Step(Enum):
    """The steps of a refresh, in the order they run (``RefreshPlan.steps``)."""

    REPAIR_SALE_SUMMARIES = "repair_sale_summaries"  # full only: every folio's sale summary
    FIND_CANDIDATES = "find_candidates"  # incremental only: who may have changed since
    FIND_CHANGES = "find_changes"  # the examined properties whose computed values differ
    COUNT_CHANGES = "count_changes"  # per written column, and how many were examined
    # properties first: the foreign-key checks of the inserted intents then find their rows
    # already locked by this transaction.
    UPDATE_PROPERTIES = "update_properties"
    END_INTENTS = "end_intents"  # delete the indicators no longer detected
    ADD_INTENTS = "add_intents"  # insert the new ones (an ongoing detection keeps its row)
    SAVE_STATE = "save_state"  # for the next refresh


@dataclass(frozen=True)
class Since:
    """The last refresh, from ``scoring_state``: an incremental refresh examines the properties
    whose inputs may have changed since (docs/scoring.md, "Incremental refreshes")."""

    as_of: date
    xmin: int  # 32-bit: a row written by a transaction this new or newer may be unseen by it
    own_xid: int | None  # 32-bit: its own transaction (its writes need no second look)


@dataclass(frozen=True)
class RefreshPlan:
    """One refresh: as of which date, over which properties, in which steps. ``since`` None:
    examine every property."""

    as_of: date
    new_homeowner_days: int
    full: bool
    since: Since | None
    snapshot_xmin: str  # xid8, stored for the next refresh
    basis: str  # JSON, stored for the next refresh

    @property
    def mode(self) -> str:
        return "full" if self.full else ("incremental" if self.since else "all")

    @property
    def examined(self) -> Examined:
        """The properties the changes are computed for: the candidates, or all."""
        return "candidates" if self.since else "all"

    @property
    def reconciles_every_intent(self) -> bool:
        """A full refresh keeps every property with a detection among its changes and checks
        the whole ``property_intents`` table against them (repairs rows written by anything
        else); otherwise only the changed properties' intents are written."""
        return self.full

    @property
    def date_moved(self) -> bool:
        """Whether the as-of date differs from the last refresh's: then the calendar moves
        properties too (days since sale, bands, paid months, listing days)."""
        return self.since is not None and self.since.as_of != self.as_of

    @property
    def new_homeowner_window(self) -> tuple[date, date] | None:
        """Sale dates whose new-homeowner days or band can differ between the two dates."""
        if self.since is None or not self.date_moved:
            return None
        low = min(self.as_of, self.since.as_of) - timedelta(days=self.new_homeowner_days)
        return low, max(self.as_of, self.since.as_of)

    @property
    def steps(self) -> tuple[Step, ...]:
        return (
            *((Step.REPAIR_SALE_SUMMARIES,) if self.full else ()),
            *((Step.FIND_CANDIDATES,) if self.since else ()),
            Step.FIND_CHANGES,
            Step.COUNT_CHANGES,
            Step.UPDATE_PROPERTIES,
            Step.END_INTENTS,
            Step.ADD_INTENTS,
            Step.SAVE_STATE,
        )


def plan_refresh(
    state: Mapping[str, Any], as_of: date, new_homeowner_days: int, full: bool
) -> RefreshPlan:
    """Incremental when the last refresh was based on the same rules, weights, settings and year
    (and not so many transactions ago that 32-bit ids could have wrapped); else every property.
    ``state``: the row of ``refresh_sql.state_statement``."""
    since = None
    if not full and state["as_of"] is not None and state["basis"] == state["basis_now"]:
        last_xmin, now_xmin = int(state["snapshot_xmin"]), int(state["now_xmin"])
        own = int(state["refresh_xid"])
        if now_xmin - last_xmin < MAX_XID_DISTANCE:
            same_transaction = state["current_xid"] is not None and int(state["current_xid"]) == own
            since = Since(
                as_of=state["as_of"],
                xmin=last_xmin % XID_SPAN,
                own_xid=None if same_transaction else own % XID_SPAN,
            )
    return RefreshPlan(
        as_of,
        new_homeowner_days,
        full,
        since,
        state["now_xmin"],
        json.dumps(state["basis_now"], sort_keys=True),
    )


@dataclass
class RefreshResult:
    as_of: date
    mode: str  # incremental | all | full
    examined: int = 0
    changed: int = 0
    fields: dict[str, int] = field(default_factory=dict)
    intents_inserted: int = 0
    intents_deleted: int = 0
    sale_summaries_repaired: int = 0  # full refreshes only
    duration_s: float = 0.0
    timings_s: dict[str, float] = field(default_factory=dict)  # per statement

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["duration_s"] = round(self.duration_s, 3)
        data["timings_s"] = {name: round(seconds, 3) for name, seconds in self.timings_s.items()}
        return data


def rewrites_most_properties(result: RefreshResult) -> bool:
    """A bulk rewrite (the first scoring, or a weight change that moves most scores): at least
    ``BULK_REWRITE_MIN_ROWS`` changed rows and at least half of the properties examined."""
    return result.changed >= BULK_REWRITE_MIN_ROWS and result.changed * 2 >= result.examined
