"""Follow-up tasks: the API on a lead and across leads (due windows in New York dates), the lead
page's forms, the follow-ups page, the dashboard's "due today"; another subscriber's lead or
task is a 404."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.leads.service import add_task
from propintel.web.security import CSRF_REFUSAL
from tests.factories import (
    bearer_for,
    csrf_of,
    log_in_browser,
    make_subscriber,
    saved_lead,
)
from tests.leads.helpers import api_lead

TODAY = date(2026, 6, 2)  # a Tuesday in New York


@pytest.fixture(autouse=True)
def new_york_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page and endpoint of these tests sees the same New York date."""
    for module in ("endpoints", "pages"):
        monkeypatch.setattr(f"propintel.leads.{module}.today_new_york", lambda: TODAY)
    monkeypatch.setattr("propintel.home.service.today_new_york", lambda: TODAY)


async def _lead_with_tasks(
    db: AsyncSession, user: User, address: str, *due: date
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A saved lead of ``user`` with one open task per due date ("Task 1", "Task 2", ...)."""
    lead_id = await saved_lead(db, user, address)
    tasks = [
        await add_task(db, user.user_id, lead_id, f"Task {n}", day) for n, day in enumerate(due, 1)
    ]
    return lead_id, [task.task_id for task in tasks]


async def test_api_creates_lists_updates_and_deletes_a_leads_tasks(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers, lead = await api_lead(client, db)
    url = f"/api/v1/leads/{lead['lead_id']}/tasks"

    later = await client.post(
        url, json={"title": " Send the quote ", "due_date": "2026-06-09"}, headers=headers
    )
    sooner = await client.post(
        url, json={"title": "Call back", "due_date": "2026-06-03"}, headers=headers
    )
    done = await client.patch(
        f"{url}/{sooner.json()['task_id']}", json={"done": True}, headers=headers
    )
    done_again = await client.patch(
        f"{url}/{sooner.json()['task_id']}", json={"done": True}, headers=headers
    )
    renamed = await client.patch(
        f"{url}/{later.json()['task_id']}",
        json={"title": "Send the revised quote", "due_date": "2026-06-10"},
        headers=headers,
    )
    listed = (await client.get(url, headers=headers)).json()
    reopened = await client.patch(
        f"{url}/{sooner.json()['task_id']}", json={"done": False}, headers=headers
    )
    deleted = await client.delete(f"{url}/{later.json()['task_id']}", headers=headers)
    remaining = (await client.get(url, headers=headers)).json()

    assert later.status_code == 201, later.text
    assert later.json()["title"] == "Send the quote" and later.json()["done"] is False
    assert done.json()["done"] is True and done.json()["done_at"] is not None
    assert done_again.json()["done_at"] == done.json()["done_at"]  # when it was first done
    assert (renamed.json()["title"], renamed.json()["due_date"]) == (
        "Send the revised quote",
        "2026-06-10",
    )
    assert [task["title"] for task in listed] == ["Send the revised quote", "Call back"]
    assert (reopened.json()["done"], reopened.json()["done_at"]) == (False, None)
    assert deleted.status_code == 204
    assert [task["title"] for task in remaining] == ["Call back"]


async def test_api_refuses_bad_tasks_naming_the_field(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers, lead = await api_lead(client, db)
    url = f"/api/v1/leads/{lead['lead_id']}/tasks"

    answers: dict[str, Any] = {
        "blank": await client.post(
            url, json={"title": "  ", "due_date": "2026-06-03"}, headers=headers
        ),
        "title": await client.post(
            url, json={"title": "x" * 201, "due_date": "2026-06-03"}, headers=headers
        ),
        "due_date": await client.post(
            url, json={"title": "Call", "due_date": "2026-02-30"}, headers=headers
        ),
    }
    exactly = await client.post(
        url, json={"title": "x" * 200, "due_date": "2026-06-03"}, headers=headers
    )

    fields = {name: answer.json()["errors"][0]["field"] for name, answer in answers.items()}
    assert {answer.status_code for answer in answers.values()} == {422}
    assert fields == {"blank": "title", "title": "title", "due_date": "due_date"}
    assert exactly.status_code == 201


async def test_open_tasks_across_leads_by_due_window(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    headers = await bearer_for(client, user)
    yesterday, tomorrow = TODAY - timedelta(days=1), TODAY + timedelta(days=1)
    _, (old, today_task, _) = await _lead_with_tasks(
        db, user, "1 DUE ST", yesterday, TODAY, tomorrow
    )
    done_lead, (done,) = await _lead_with_tasks(db, user, "2 DONE ST", yesterday)
    await client.patch(
        f"/api/v1/leads/{done_lead}/tasks/{done}", json={"done": True}, headers=headers
    )

    def titles(page: dict[str, Any]) -> list[tuple[str, str]]:
        return [(item["title"], item["full_address"]) for item in page["items"]]

    views = {
        due: (await client.get(f"/api/v1/tasks?due={due}", headers=headers)).json()
        for due in ("overdue", "today", "upcoming")
    }
    everything = (await client.get("/api/v1/tasks?limit=2", headers=headers)).json()
    cursor = everything["next_cursor"]
    rest = (await client.get(f"/api/v1/tasks?limit=2&cursor={cursor}", headers=headers)).json()
    other_view = await client.get(f"/api/v1/tasks?due=today&cursor={cursor}", headers=headers)
    bad = await client.get("/api/v1/tasks?due=someday", headers=headers)

    address = "1 DUE ST, MIAMI, FL 33139"
    assert titles(views["overdue"]) == [("Task 1", address)]
    assert titles(views["today"]) == [("Task 2", address)]
    assert titles(views["upcoming"]) == [("Task 3", address)]
    assert views["today"]["today"] == "2026-06-02"
    assert (everything["total"], [item["task_id"] for item in everything["items"]]) == (
        3,
        [str(old), str(today_task)],
    )
    assert (titles(rest), rest["next_cursor"]) == ([("Task 3", address)], None)
    assert other_view.status_code == 422 and other_view.json()["field"] == "cursor"
    assert bad.status_code == 422 and "due" in bad.text


async def test_another_subscribers_tasks_are_a_404(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    alice = await make_subscriber(db)
    bob = await make_subscriber(db)
    bob_headers = await bearer_for(client, bob)
    await log_in_browser(client, bob)
    lead, (task,) = await _lead_with_tasks(db, alice, "3 ALICE ST", TODAY)
    _, (bobs_task,) = await _lead_with_tasks(db, bob, "4 BOB ST", TODAY)
    await db.commit()  # (inside the test's transaction) a refused request rolls back to here
    csrf = csrf_of(client)
    api = f"/api/v1/leads/{lead}/tasks"
    page = f"/leads/{lead}/tasks"

    answers = [
        await client.get(api, headers=bob_headers),
        await client.post(
            api, json={"title": "Mine", "due_date": "2026-06-03"}, headers=bob_headers
        ),
        await client.patch(f"{api}/{task}", json={"done": True}, headers=bob_headers),
        await client.delete(f"{api}/{task}", headers=bob_headers),
        # Bob's own task id under Alice's lead is not found either.
        await client.patch(f"{api}/{bobs_task}", json={"done": True}, headers=bob_headers),
        await client.post(
            page, data={"title": "Mine", "due_date": "2026-06-03", "csrf_token": csrf}
        ),
        await client.post(f"{page}/{task}/done", data={"csrf_token": csrf}),
        await client.post(f"{page}/{task}/reopen", data={"csrf_token": csrf}),
        await client.get(f"{page}/{task}/delete"),
        await client.post(f"{page}/{task}/delete", data={"csrf_token": csrf}),
    ]
    listed = (await client.get("/api/v1/tasks", headers=bob_headers)).json()

    assert [answer.status_code for answer in answers] == [404] * len(answers)
    assert [item["task_id"] for item in listed["items"]] == [str(bobs_task)]
    rows = await db.execute(
        text("SELECT title, done_at FROM lead_tasks WHERE lead_id = :l"), {"l": lead}
    )
    assert rows.all() == [("Task 1", None)]


async def test_deleting_a_lead_deletes_its_tasks(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    headers = await bearer_for(client, user)
    lead, _ = await _lead_with_tasks(db, user, "5 GONE ST", TODAY, TODAY)

    deleted = await client.delete(f"/api/v1/leads/{lead}", headers=headers)

    assert deleted.status_code == 204
    count = await db.scalar(text("SELECT count(*) FROM lead_tasks WHERE lead_id = :l"), {"l": lead})
    assert count == 0


async def test_lead_page_adds_completes_reopens_and_deletes_tasks(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    lead, (overdue,) = await _lead_with_tasks(db, user, "6 PAGE ST", TODAY - timedelta(days=3))
    await db.commit()  # (inside the test's transaction) the refused form rolls back to here
    url = f"/leads/{lead}"

    blank = await client.get(url)
    added = await client.post(
        f"{url}/tasks",
        data={"title": "Send quote", "due_date": "2026-06-05", "csrf_token": csrf_of(client)},
    )
    done = await client.post(f"{url}/tasks/{overdue}/done", data={"csrf_token": csrf_of(client)})
    page = await client.get(url)
    reopened = await client.post(
        f"{url}/tasks/{overdue}/reopen", data={"csrf_token": csrf_of(client)}
    )
    confirm = await client.get(f"{url}/tasks/{overdue}/delete")
    deleted = await client.post(
        f"{url}/tasks/{overdue}/delete", data={"csrf_token": csrf_of(client)}
    )
    bad = await client.post(
        f"{url}/tasks", data={"title": "Call", "due_date": "soon", "csrf_token": csrf_of(client)}
    )
    no_csrf = await client.post(f"{url}/tasks", data={"title": "x", "due_date": "2026-06-05"})

    assert 'value="2026-06-03"' in blank.text  # the due date defaults to tomorrow
    assert "<strong>Overdue</strong>, was due 2026-05-30" in blank.text
    assert [answer.status_code for answer in (added, done, reopened, deleted)] == [303] * 4
    assert 'data-testid="open-tasks"' in page.text and "Send quote" in page.text
    assert 'data-testid="done-tasks"' in page.text and "Reopen<span" in page.text
    assert confirm.status_code == 200 and "Delete this follow-up?" in confirm.text
    assert "6 PAGE ST" in confirm.text
    assert bad.status_code == 422 and 'data-testid="error-due_date"' in bad.text
    assert 'value="Call"' in bad.text  # what was typed stays
    assert no_csrf.status_code == 403 and CSRF_REFUSAL in no_csrf.text
    titles = await db.scalars(text("SELECT title FROM lead_tasks WHERE lead_id = :l"), {"l": lead})
    assert list(titles) == ["Send quote"]


async def test_followups_page_lists_open_tasks_by_window_and_marks_them_done(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    lead, (overdue, _, _) = await _lead_with_tasks(
        db, user, "7 LIST ST", TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=7)
    )

    everything = await client.get("/leads/followups")
    upcoming = await client.get("/leads/followups?due=upcoming")
    done = await client.post(
        f"/leads/{lead}/tasks/{overdue}/done",
        data={"return_to": "followups", "csrf_token": csrf_of(client)},
    )
    overdue_view = await client.get("/leads/followups?due=overdue")

    assert everything.text.index("Task 1") < everything.text.index("Task 2")
    assert '<tr class="overdue">' in everything.text and "3 open follow-ups" in everything.text
    assert "Task 3" in upcoming.text and "Task 1" not in upcoming.text
    assert (done.status_code, done.headers["location"]) == (303, "/leads/followups")
    assert "Nothing to follow up" in overdue_view.text


async def test_followups_page_pages_with_a_cursor(
    db: AsyncSession, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("propintel.leads.pages.FOLLOWUPS_PAGE", 2)
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    await _lead_with_tasks(db, user, "10 PAGED ST", TODAY, TODAY, TODAY + timedelta(days=1))

    first = await client.get("/leads/followups")
    next_url = html.unescape(re.findall(r'<a href="([^"]+)">Next page</a>', first.text)[0])
    second = await client.get(next_url)
    other_view = await client.get(next_url.replace("?", "?due=today&"))

    assert "Task 1" in first.text and "Task 2" in first.text and "Task 3" not in first.text
    assert "3 open follow-ups" in first.text and "First page" not in first.text
    assert next_url.startswith("/leads/followups?cursor=")
    assert "Task 3" in second.text and "Task 1" not in second.text
    assert '<a href="/leads/followups">First page</a>' in second.text
    assert "Next page" not in second.text
    assert other_view.status_code == 422


async def test_dashboard_lists_overdue_and_todays_followups_only(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    other = await make_subscriber(db)
    await log_in_browser(client, user)
    empty = await client.get("/dashboard")
    lead, _ = await _lead_with_tasks(
        db, user, "8 DASH ST", TODAY - timedelta(days=2), TODAY, TODAY + timedelta(days=1)
    )
    await _lead_with_tasks(db, other, "9 OTHER ST", TODAY)

    dashboard = await client.get("/dashboard")

    assert "Follow-ups due today" in empty.text and "Nothing due today." in empty.text
    section = dashboard.text[dashboard.text.index('data-testid="due-followups"') :]
    assert section.count('data-testid="overdue-task"') == 1
    assert section.count('data-testid="today-task"') == 1
    assert "Task 3" not in section and "9 OTHER ST" not in section
    assert section.index("Task 1") < section.index("Task 2")
    assert f'href="/leads/{lead}"' in section and "8 DASH ST" in section
