"""Search and property pages: results from the URL, errors by field, the plan's limits, the
property page's sections and its "Save lead" form."""

from __future__ import annotations

import html
import re

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from tests.factories import browser_as, make_property
from tests.scoring.helpers import add_listing, add_sale, add_signal, days_ago, refresh
from tests.search.helpers import distressed, new_owner


async def test_search_page_lists_results_with_links_map_points_and_export(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    lead = await distressed(db, 77, zip_code="33190", street_address="9 SEARCH ST")
    await browser_as(client, db, Plan.INVESTOR)

    page = await client.get("/search", params={"zip": "33190", "intent": "distressed"})

    assert page.status_code == 200
    assert "9 SEARCH ST" in page.text and f'href="/properties/{lead}"' in page.text
    assert f"&#34;id&#34;: &#34;{lead}&#34;" in page.text  # the map's points
    assert "/api/v1/properties/export.csv?zip=33190&amp;intent=distressed" in page.text
    assert "Pre-foreclosure within 5 km" in page.text  # investor presets
    assert "Pool service" not in page.text  # a contractor preset


async def test_indicator_filters_are_labelled_and_grouped_by_what_the_plan_searches(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, Plan.FULL)
    full = (await client.get("/search")).text
    assert "<legend>Distressed</legend>" in full and "<legend>New homeowner</legend>" in full
    assert 'value="days_0_30" data-indicator="days_0_30"> Bought 0–30 days ago' in full
    assert 'value="tax_lien" data-indicator="tax_lien"> Tax lien' in full

    await browser_as(client, db, Plan.CONTRACTOR)  # new homeowners only
    contractor = (await client.get("/search")).text
    assert "<legend>New homeowner</legend>" in contractor and 'value="days_0_30"' in contractor
    assert "<legend>Distressed</legend>" not in contractor and 'value="tax_lien"' not in contractor


async def test_search_page_splits_zip_codes_and_pages_with_a_cursor(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    for _ in range(3):
        await distressed(db, 30, zip_code="33191")
    await distressed(db, 30, zip_code="33192")
    await browser_as(client, db, Plan.FULL)

    page = await client.get("/search", params={"zip": "33191, 33192", "limit": 2})

    assert page.text.count('data-testid="result"') == 2
    assert 'data-testid="next-page"' in page.text and "cursor=" in page.text
    assert "First page" not in page.text
    [next_url] = re.findall(r'href="([^"]+)" rel="next"', page.text)
    second = await client.get(html.unescape(next_url))
    assert second.text.count('data-testid="result"') == 2
    assert "First page" in second.text and 'data-testid="next-page"' not in second.text


async def test_search_page_shows_errors_next_to_their_fields(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, Plan.FULL)
    page = await client.get("/search", params={"radius_m": "60000", "near": "25.7,-80.2"})
    assert page.status_code == 422
    assert 'id="err-radius_m"' in page.text and 'aria-invalid="true"' in page.text
    unknown = await client.get("/search", params={"indicator": "bogus"})
    assert unknown.status_code == 422 and 'id="err-indicator"' in unknown.text
    bad_zip = await client.get("/search", params={"zip": "3313"})
    assert "&#39;3313&#39; is not a 5-digit ZIP code" in bad_zip.text
    assert "Value error" not in bad_zip.text


async def test_search_page_without_a_plan_shows_the_upgrade_message(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, Plan.NONE)
    page = await client.get("/search")
    assert page.status_code == 403 and 'data-testid="upgrade"' in page.text
    assert "needs an active plan" in page.text


async def test_contractor_cannot_pick_distressed_leads_on_the_page(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, Plan.CONTRACTOR)
    page = await client.get("/search")
    assert 'value="new_homeowner"' in page.text and 'value="distressed"' not in page.text
    refused = await client.get("/search", params={"intent": "distressed"})
    assert refused.status_code == 403 and "investor or full" in refused.text


async def test_property_page_shows_facts_sales_owner_scores_listing_and_save_form(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    prop = await make_property(db, street_address="12 PAGE AVE", mailing_address="1 ELM ST, NY")
    await add_sale(db, prop, days_ago(400), 250_000)
    await add_signal(db, prop, "tax_lien", source="tax_collector")
    await add_listing(db, prop, days_ago(120))
    await refresh(db)
    await browser_as(client, db, Plan.FULL)

    page = await client.get(f"/properties/{prop}")

    assert page.status_code == 200, page.text
    body = page.text
    assert "12 PAGE AVE" in body and "1 ELM ST, NY" in body
    assert 'data-testid="sales"' in body and "$250,000" in body
    assert 'data-testid="score-panel"' in body and 'data-indicator="tax_lien"' in body
    assert 'data-testid="fsbo"' in body and 'id="map"' in body
    assert 'action="/leads"' in body and f'name="property_id" value="{prop}"' in body
    assert 'name="csrf_token"' in body


async def test_property_page_follows_the_plan(client: httpx.AsyncClient, db: AsyncSession) -> None:
    lien = await distressed(db, 30)
    owner = await new_owner(db, 100)
    await browser_as(client, db, Plan.CONTRACTOR)
    assert (await client.get(f"/properties/{owner}")).status_code == 200
    refused = await client.get(f"/properties/{lien}")
    assert refused.status_code == 403 and "contractor plan" in refused.text
    missing = await client.get("/properties/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404


async def test_results_show_the_count_lead_scores_and_the_bulk_save_form(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    for points in (150, 60, 20):
        await distressed(db, points, zip_code="33191", breakdown={"foreclosure": points})
    await browser_as(client, db, Plan.INVESTOR)

    page = (await client.get("/search", params={"zip": "33191", "intent": "distressed"})).text

    count_url = "/api/v1/properties/count?zip=33191&amp;intent=distressed"
    assert f'data-count-url="{count_url}"' in page  # the page's script asks for the count
    assert ">Count the matches</a>" in page  # without the script, a link asks the page
    counted = await client.get(
        "/search", params={"zip": "33191", "intent": "distressed", "count": "1"}
    )
    assert '<span id="result-count"' in counted.text
    assert "<strong>3</strong> properties match" in counted.text
    assert page.count('data-testid="lead-score">') == 3 and '"lead-score">100<' in page
    assert "Foreclosure +150" in page  # the label and the points of the indicator
    assert 'data-testid="scores-refreshed">Scores have not been computed yet' in page
    assert 'action="/leads/bulk"' in page and 'form="bulk-form"' in page
    assert "layout=mail" in page  # the direct-mail export


async def test_a_saved_property_says_it_is_in_your_leads(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    prop = await distressed(db, 30, zip_code="33192")
    csrf = await browser_as(client, db, Plan.INVESTOR)
    before = (await client.get(f"/properties/{prop}")).text

    saved = await client.post(
        "/leads", data={"property_id": str(prop), "lead_source": "distressed", "csrf_token": csrf}
    )
    after = (await client.get(f"/properties/{prop}")).text
    results = (await client.get("/search", params={"zip": "33192"})).text

    assert saved.status_code == 303
    assert 'data-testid="save-lead"' in before and 'data-testid="in-your-leads"' not in before
    assert 'data-testid="in-your-leads"' in after and 'data-testid="save-lead"' not in after
    assert 'data-testid="in-your-leads"' in results


async def test_property_page_shows_only_the_scores_of_the_plan(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    prop = await make_property(db, out_of_state_owner=True)
    await add_signal(db, prop, "foreclosure")
    await add_sale(db, prop, days_ago(12), 300_000)
    await refresh(db)
    await browser_as(client, db, Plan.CONTRACTOR)

    page = (await client.get(f"/properties/{prop}")).text

    assert 'data-testid="scores-refreshed">Scores refreshed ' in page
    assert 'data-testid="new-homeowner-score"' in page
    assert 'data-testid="distressed-score"' not in page
    assert 'data-indicator="foreclosure"' not in page and 'data-indicator="days_0_30"' in page
    assert '<option value="distressed"' not in page
