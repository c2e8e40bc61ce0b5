"""The Economics report on a fixture whose totals are known by construction.

Range 2026-03-02 (Monday) … 2026-03-10:
- purchases: 1,000 tokens for $10.00 (03-02) and 3,000 for $30.00 (03-10) → $0.01 per token;
- a plan invoice of $49.00 granting 10,000 tokens (03-03);
- admin grant 500 and deduct 100 (03-10);
- charges: sms_send x2 (10 tokens, $0.0075 each), one refunded; ai_voice_call_3min x1 (20 tokens,
  provider cost raised to $0.19 first); contact_enrichment x1 (50 tokens, $0.01);
- outside the range (03-11): one more purchase and charge that must not count.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.admin import economics
from propintel.auth.models import User, UserType
from propintel.tokens import admin as token_admin
from propintel.tokens import service
from propintel.tokens.schemas import AdjustmentKind
from tests.factories import bearer_for, log_in_browser, make_subscriber, make_user

D1 = datetime(2026, 3, 2, 9, 0)
D2 = datetime(2026, 3, 3, 9, 0)
D3 = datetime(2026, 3, 10, 23, 30)
AFTER = datetime(2026, 3, 11, 0, 0)


async def _fixture(db: AsyncSession, admin: User) -> None:
    alice, bob = await make_subscriber(db), await make_subscriber(db)
    await db.flush()
    await service.credit_purchase(db, alice.user_id, 1000, Decimal("10.00"), None, now=D1)
    await service.credit_purchase(db, bob.user_id, 3000, Decimal("30.00"), None, now=D3)
    await service.credit_purchase(db, bob.user_id, 9999, Decimal("1.00"), None, now=AFTER)
    await db.execute(
        text(
            "INSERT INTO billing_invoices (invoice_id, user_id, amount_paid, tokens_granted, "
            "paid_at) VALUES ('in_1', :u, 49.00, 10000, :at)"
        ),
        {"u": alice.user_id, "at": D2},
    )
    await token_admin.adjust_tokens(
        db, admin, bob.user_id, AdjustmentKind.GRANT, 500, "promo", now=D3
    )
    await token_admin.adjust_tokens(
        db, admin, bob.user_id, AdjustmentKind.DEDUCT, 100, "fix", now=D3
    )
    await db.execute(
        text(
            "UPDATE token_pricing SET actual_cost_usd = 0.19 "
            "WHERE action_type = 'ai_voice_call_3min'"
        )
    )
    first = await service.charge(db, alice.user_id, "sms_send", 1, "s1", now=D1)
    await service.charge(db, alice.user_id, "sms_send", 1, "s2", now=D2)
    await service.refund(db, alice.user_id, first.usage_log_id, "carrier failure", now=D1)
    await service.charge(db, alice.user_id, "ai_voice_call_3min", 1, "v1", now=D2)
    await service.charge(db, bob.user_id, "contact_enrichment", 1, "e1", now=D3)
    await service.charge(db, bob.user_id, "email_send", 1, "late", now=AFTER)


async def test_report_figures_are_the_constructed_totals(db: AsyncSession) -> None:
    admin = await make_user(db, UserType.ADMIN)
    await _fixture(db, admin)
    report = await economics.economics(db, "day", date(2026, 3, 2), date(2026, 3, 10))

    # only the days with activity of the nine: 03-02, 03-03 and 03-10
    assert [row.start.day for row in report.periods] == [2, 3, 10]
    totals = report.totals
    assert (totals.sold, totals.plan_allowance, totals.granted, totals.deducted) == (
        4000,
        10000,
        500,
        100,
    )
    assert (totals.consumed, totals.refunded) == (20 + 20 + 50, 10)
    assert (totals.bundle_revenue, totals.plan_revenue, totals.revenue) == (
        Decimal("40.00"),
        Decimal("49.00"),
        Decimal("89.00"),
    )
    by_day = {row.start: row for row in report.periods}
    assert by_day[date(2026, 3, 3)].plan_revenue == Decimal("49.00")
    assert by_day[date(2026, 3, 10)].sold == 3000 and date(2026, 3, 5) not in by_day
    assert (report.price_per_token, report.price_source) == (Decimal("0.01"), "purchases")

    actions = {row.action_type: row for row in report.actions}
    sms = actions["sms_send"]
    assert (sms.charges, sms.tokens_used, sms.tokens_billed) == (2, 20, 10)
    assert sms.provider_cost == Decimal("0.015") and sms.revenue == Decimal("0.10")
    assert sms.realised_markup == Decimal("566.67") and sms.target_markup == Decimal("30.00")
    assert not sms.below_target
    voice = actions["ai_voice_call_3min"]
    assert voice.revenue == Decimal("0.20") and voice.provider_cost == Decimal("0.19")
    assert voice.realised_markup == Decimal("5.26") and voice.service == "gemini_tts_call"
    assert voice.below_target  # 5.26 % < 50 % target
    enrichment = actions["contact_enrichment"]
    assert enrichment.service is None and enrichment.target_markup is None
    assert enrichment.realised_markup == Decimal("4900.00") and not enrichment.below_target
    assert "email_send" not in actions  # charged after the range


async def test_weeks_and_months_group_the_same_flows(db: AsyncSession) -> None:
    admin = await make_user(db, UserType.ADMIN)
    await _fixture(db, admin)
    weeks = await economics.economics(db, "week", date(2026, 3, 4), date(2026, 3, 10))
    assert [row.start for row in weeks.periods] == [date(2026, 3, 2), date(2026, 3, 9)]
    assert weeks.date_from == date(2026, 3, 2)  # moved back to the Monday
    assert [row.sold for row in weeks.periods] == [1000, 3000]
    months = await economics.economics(db, "month", date(2026, 3, 1), date(2026, 3, 10))
    assert len(months.periods) == 1 and months.totals.revenue == Decimal("89.00")


async def test_without_purchases_the_list_price_is_used(db: AsyncSession) -> None:
    report = await economics.economics(db, "day", date(2026, 1, 1), date(2026, 1, 2))
    # spec bundles: (10 + 20 + 35 + 60) / (10k + 25k + 50k + 100k) tokens
    assert report.price_source == "list"
    assert report.price_per_token == (Decimal("125") / 185000).quantize(Decimal("0.00000001"))


async def test_api_and_page(db: AsyncSession, client: httpx.AsyncClient) -> None:
    admin = await make_user(db, UserType.ADMIN)
    headers = await bearer_for(client, admin)
    await _fixture(db, admin)
    params = {"period": "day", "from": "2026-03-02", "to": "2026-03-10"}
    response = await client.get("/api/v1/admin/economics", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["totals"]["revenue"] == "89.00" and body["pool"]["tokens_purchased"] is not None
    flagged = [a["action_type"] for a in body["actions"] if a["below_target"]]
    assert flagged == ["ai_voice_call_3min"]
    bad = await client.get("/api/v1/admin/economics", params={"period": "year"}, headers=headers)
    assert bad.status_code == 422
    too_long = await client.get(
        "/api/v1/admin/economics",
        params={"from": "2020-01-01", "to": "2026-01-01"},
        headers=headers,
    )
    assert too_long.status_code == 422 and too_long.json()["field"] == "from"

    await log_in_browser(client, await make_user(db, UserType.ADMIN))
    page = await client.get("/admin/economics", params=params)
    assert page.status_code == 200
    assert 'data-testid="total-revenue">$89.00' in page.text
    assert 'class="below-target" data-testid="action-ai_voice_call_3min"' in page.text
    assert "below target" in page.text


async def test_quiet_days_fold_into_one_row_and_an_empty_range_says_so(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    admin = await make_user(db, UserType.ADMIN)
    headers = await bearer_for(client, admin)
    await _fixture(db, admin)
    report = await economics.economics(db, "day", date(2026, 3, 1), date(2026, 3, 12))
    assert [
        row.start.day
        if isinstance(row, economics.PeriodFigures)
        else (row.first_day.day, row.last_day.day)
        for row in economics.timeline(report)
    ] == [(1, 1), 2, 3, (4, 9), 10, 11, (12, 12)]

    params = {"period": "day", "from": "2026-03-01", "to": "2026-03-12"}
    api = await client.get("/api/v1/admin/economics", params=params, headers=headers)
    assert [row["start"] for row in api.json()["periods"]] == [
        "2026-03-02",
        "2026-03-03",
        "2026-03-10",
        "2026-03-11",
    ]
    await log_in_browser(client, admin)
    page = await client.get("/admin/economics", params=params)
    table = page.text.split('data-testid="periods"')[1].split("</tbody>")[0]
    assert table.count("<tr") == 1 + 7  # the header and the timeline's rows
    assert "No activity from Mar 4, 2026 to Mar 9, 2026" in table
    assert "No activity on Mar 12, 2026" in table

    quiet = {"period": "week", "from": "2025-01-06", "to": "2025-02-02"}
    api = await client.get("/api/v1/admin/economics", params=quiet, headers=headers)
    assert api.json()["periods"] == [] and api.json()["totals"]["revenue"] == "0.00"
    page = await client.get("/admin/economics", params=quiet)
    assert 'data-testid="periods"' not in page.text
    assert "No activity from Jan 6, 2025 to Feb 2, 2025" in page.text
