"""The Economics report: tokens in and out, revenue, provider cost and realised markup per action.

Its queries are ``repository.py``'s: a read model across the tokens, billing and catalog tables.
All timestamps are New York wall-clock time (the spec's TIMESTAMP columns), so a day, week
(Monday first) or month here is a New York one. The range is whole New York days, both ends
included; its start is moved back to the start of its week or month so every period is whole.
Definitions (docs/billing-admin.md):

- sold: ``token_purchases.tokens`` (bundles and auto-recharges); plan allowance:
  ``billing_invoices.tokens_granted``; granted / deducted: admin ``token_transactions``; consumed:
  ``token_usage_logs.tokens_used``; refunded: ``refund`` transactions.
- revenue: bundles ``token_purchases.amount_paid``, plans ``billing_invoices.amount_paid``.
- price per token: the range's purchases, Σ amount_paid / Σ tokens; with no purchase in the range,
  the active bundles' list price Σ price / Σ token_amount.
- periods: only those with activity are reported (the API's ``periods``); the page folds each
  run of empty periods into one "no activity" row (``timeline``).
- per action: revenue = billed tokens (charges not refunded) * price per token; provider cost =
  Σ ``actual_cost`` of all its charges (refunded ones too: the provider may still have billed us);
  realised markup = (revenue - cost) / cost; below target when under the
  ``ai_cost_config.markup_percentage`` of the action's service (``catalog/mapping.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.admin.repository import EconomicsRepository
from propintel.catalog.mapping import cost_service
from propintel.kit.clock import today_new_york
from propintel.kit.errors import Invalid
from propintel.kit.i18n import N_, _

Period = Literal["day", "week", "month"]
PERIODS: tuple[Period, ...] = ("day", "week", "month")
DEFAULT_SPAN = {"day": 30, "week": 12, "month": 12}  # periods shown by default
MAX_PERIODS = 400
PERIOD_PLURALS = {"day": N_("days"), "week": N_("weeks"), "month": N_("months")}
PRICE_PLACES = Decimal("0.00000001")


@dataclass
class PeriodFigures:
    start: date
    sold: int = 0
    plan_allowance: int = 0
    granted: int = 0
    deducted: int = 0
    consumed: int = 0
    refunded: int = 0
    bundle_revenue: Decimal = Decimal("0.00")
    plan_revenue: Decimal = Decimal("0.00")

    @property
    def revenue(self) -> Decimal:
        return self.bundle_revenue + self.plan_revenue

    @property
    def active(self) -> bool:
        """Anything happened in the period (a token moved or money came in)."""
        return any(getattr(self, item.name) for item in fields(self) if item.name != "start")


@dataclass(frozen=True)
class QuietSpan:
    """Consecutive periods without activity, shown as one row: their first and last day."""

    first_day: date
    last_day: date


@dataclass(frozen=True)
class ActionFigures:
    action_type: str | None
    charges: int
    tokens_used: int
    tokens_billed: int
    provider_cost: Decimal
    service: str | None
    service_cost_per_unit: Decimal | None
    target_markup: Decimal | None
    revenue: Decimal | None
    realised_markup: Decimal | None  # percent

    @property
    def cost_per_charge(self) -> Decimal:
        return (self.provider_cost / self.charges).quantize(Decimal("0.000001"))

    @property
    def below_target(self) -> bool:
        if self.realised_markup is None or self.target_markup is None:
            return False
        return self.realised_markup < self.target_markup


@dataclass(frozen=True)
class Report:
    period: Period
    date_from: date
    date_to: date
    periods: list[PeriodFigures]  # only periods with activity, oldest first
    totals: PeriodFigures
    price_per_token: Decimal | None
    price_source: Literal["purchases", "list"] | None
    actions: list[ActionFigures]
    pool: dict[str, Any] | None = field(default=None)


def period_start(day: date, period: Period) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def next_start(start: date, period: Period) -> date:
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def default_range(period: Period, today: date) -> tuple[date, date]:
    start = period_start(today, period)
    for _step in range(DEFAULT_SPAN[period] - 1):
        start = period_start(start - timedelta(days=1), period)
    return start, today


def parse_period(raw: str | None) -> Period:
    for period in PERIODS:
        if (raw or "day") == period:
            return period
    raise Invalid(_("period: choose day, week or month."), field="period")


def resolve_range(
    period: Period, date_from: date | None, date_to: date | None
) -> tuple[date, date]:
    """The requested range; a missing end is today and a missing start shows the last
    ``DEFAULT_SPAN`` periods (New York days)."""
    default_from, default_to = default_range(period, date_to or today_new_york())
    return date_from or default_from, date_to or default_to


def period_starts(period: Period, date_from: date, date_to: date) -> list[date]:
    if date_from > date_to:
        raise Invalid(_("The end date is before the start date."), field="to")
    starts = [period_start(date_from, period)]
    while next_start(starts[-1], period) <= date_to:
        starts.append(next_start(starts[-1], period))
        if len(starts) > MAX_PERIODS:
            raise Invalid(
                _(
                    "That range has more than {count} {periods}: choose a longer period "
                    "or a shorter range."
                ).format(count=MAX_PERIODS, periods=_(PERIOD_PLURALS[period])),
                field="from",
            )
    return starts


# A flow's kind → (PeriodFigures token field, sign, revenue field or None)
_KINDS: dict[str, tuple[str, int, str | None]] = {
    "sold": ("sold", 1, "bundle_revenue"),
    "plan": ("plan_allowance", 1, "plan_revenue"),
    "admin_grant": ("granted", 1, None),
    "admin_deduct": ("deducted", -1, None),  # stored negative, shown as a positive amount
    "refund": ("refunded", 1, None),
    "consumed": ("consumed", 1, None),
}


def _bounds(starts: list[date], period: Period, date_to: date) -> dict[str, datetime]:
    end = min(next_start(starts[-1], period), date_to + timedelta(days=1))
    return {
        "start": datetime.combine(starts[0], datetime.min.time()),
        "end": datetime.combine(end, datetime.min.time()),
    }


async def _periods(
    repo: EconomicsRepository, period: Period, starts: list[date], bounds: dict[str, datetime]
) -> list[PeriodFigures]:
    by_start = {start: PeriodFigures(start) for start in starts}
    for row in await repo.flows(period, bounds):
        figures = by_start[row.start]
        name, sign, revenue = _KINDS[row.kind]
        setattr(figures, name, getattr(figures, name) + sign * int(row.tokens))
        if revenue:
            setattr(figures, revenue, getattr(figures, revenue) + Decimal(row.amount))
    return list(by_start.values())


def _total(periods: list[PeriodFigures], start: date) -> PeriodFigures:
    total = PeriodFigures(start)
    for figures in periods:
        for item in fields(PeriodFigures):
            if item.name != "start":
                setattr(total, item.name, getattr(total, item.name) + getattr(figures, item.name))
    return total


async def _price_per_token(
    repo: EconomicsRepository, bounds: dict[str, datetime]
) -> tuple[Decimal | None, Literal["purchases", "list"] | None]:
    amount, tokens = await repo.purchase_price(bounds)
    if tokens:
        return (Decimal(amount) / tokens).quantize(PRICE_PLACES), "purchases"
    amount, tokens = await repo.list_price()
    if tokens:
        return (Decimal(amount) / tokens).quantize(PRICE_PLACES), "list"
    return None, None


def _markup(revenue: Decimal | None, cost: Decimal) -> Decimal | None:
    if revenue is None or cost <= 0:
        return None
    return ((revenue - cost) / cost * 100).quantize(Decimal("0.01"))


async def _actions(
    repo: EconomicsRepository, bounds: dict[str, datetime], price: Decimal | None
) -> list[ActionFigures]:
    config = {row.service_name: row for row in await repo.cost_config()}
    actions = []
    for row in await repo.actions(bounds):
        service = cost_service(row.action_type)
        target = config.get(service) if service else None
        cost = Decimal(row.provider_cost)
        revenue = (price * int(row.tokens_billed)).quantize(Decimal("0.000001")) if price else None
        actions.append(
            ActionFigures(
                action_type=row.action_type,
                charges=int(row.charges),
                tokens_used=int(row.tokens_used),
                tokens_billed=int(row.tokens_billed),
                provider_cost=cost,
                service=service,
                service_cost_per_unit=target.cost_per_unit if target else None,
                target_markup=target.markup_percentage if target else None,
                revenue=revenue,
                realised_markup=_markup(revenue, cost),
            )
        )
    return actions


async def economics(
    session: AsyncSession, period: Period, date_from: date, date_to: date
) -> Report:
    repo = EconomicsRepository.from_session(session)
    starts = period_starts(period, date_from, date_to)
    bounds = _bounds(starts, period, date_to)
    periods = await _periods(repo, period, starts, bounds)
    price, source = await _price_per_token(repo, bounds)
    pool = await repo.pool()
    return Report(
        period=period,
        date_from=starts[0],
        date_to=date_to,
        periods=[figures for figures in periods if figures.active],
        totals=_total(periods, starts[0]),
        price_per_token=price,
        price_source=source,
        actions=await _actions(repo, bounds, price),
        pool=pool,
    )


def timeline(report: Report) -> list[PeriodFigures | QuietSpan]:
    """Every period of the report's range, oldest first, each run of periods without activity
    folded into one ``QuietSpan`` (it ends at the range's last day at the latest)."""
    active = {figures.start: figures for figures in report.periods}
    rows: list[PeriodFigures | QuietSpan] = []
    for start in period_starts(report.period, report.date_from, report.date_to):
        if start in active:
            rows.append(active[start])
            continue
        last_day = min(next_start(start, report.period) - timedelta(days=1), report.date_to)
        if rows and isinstance(rows[-1], QuietSpan):
            rows[-1] = QuietSpan(rows[-1].first_day, last_day)
        else:
            rows.append(QuietSpan(start, last_day))
    return rows
