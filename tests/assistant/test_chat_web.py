"""The chat's pages and API on an installation without a chat provider (the offline assistant):
asking with and without JavaScript (streamed), the cost shown, saving as a script, conversations,
deleting, tenancy, refusals and the plan feature."""

from __future__ import annotations

import json
import re

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, UserType
from tests.factories import (
    api_as,
    bearer_for,
    csrf_of,
    funded_subscriber,
    log_in_browser,
    make_subscriber,
    make_user,
    saved_lead,
    token_balance,
)

QUESTION = "Write a first text to this new homeowner about pool service, in Spanish"


async def test_asking_from_a_lead_without_javascript(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await funded_subscriber(db, tokens=1_000)
    lead_id = await saved_lead(db, user, "12 COCONUT GROVE")
    await log_in_browser(client, user)

    page = await client.get(f"/assistant/chat?lead={lead_id}")
    assert page.status_code == 200
    assert "Offline assistant" in page.text and "12 COCONUT GROVE" in page.text
    assert 'data-testid="chat-empty"' in page.text

    asked = await client.post(
        "/assistant/chat/ask",
        data={"question": QUESTION, "lead_id": str(lead_id), "csrf_token": csrf_of(client)},
    )
    assert asked.status_code == 303, asked.text
    url, _, anchor = asked.headers["location"].partition("#")
    assert url.startswith("/assistant/chat/") and anchor.startswith("message-")

    conversation = await client.get(url)
    assert "Draft: Text message (SMS)" in conversation.text
    assert "piscina" in conversation.text and "5 credits" in conversation.text
    assert 'data-testid="save-as-script"' in conversation.text
    assert await token_balance(db, user.user_id) == 995

    saved = await client.post(
        f"/assistant/chat/messages/{anchor.removeprefix('message-')}/script",
        data={"script_type": "sms", "csrf_token": csrf_of(client)},
    )
    assert saved.status_code == 303
    content = await db.scalar(
        text("SELECT script_content FROM subscriber_scripts WHERE user_id = :u"),
        {"u": user.user_id},
    )
    assert content is not None and "piscina" in content

    listed = await client.get(f"/assistant/chat?lead={lead_id}")
    assert url in listed.text


async def test_the_answer_streams_to_the_page_script(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await funded_subscriber(db, tokens=1_000)
    await log_in_browser(client, user)
    await client.get("/assistant/chat")
    streamed = await client.post(
        "/assistant/chat/ask",
        data={"question": "What is our pool pricing?", "csrf_token": csrf_of(client)},
        headers={"Accept": "application/x-ndjson"},
    )
    assert streamed.status_code == 200
    assert streamed.headers["content-type"].startswith("application/x-ndjson")
    events = [json.loads(line) for line in streamed.text.splitlines()]
    assert events[0]["type"] == "start" and events[0]["credits_held"] >= 5
    assert {event["type"] for event in events[1:-1]} == {"delta"}
    done = events[-1]
    assert done["type"] == "done" and done["credits_charged"] == 5
    written = "".join(event["text"] for event in events[1:-1])
    assert written.startswith("Offline assistant")
    page = await client.get(f"/assistant/chat/{done['conversation_id']}")
    assert written.strip()[:40] in page.text


async def test_a_refusal_reaches_the_page_script_as_json(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await funded_subscriber(db, tokens=3)
    await log_in_browser(client, user)
    await client.get("/assistant/chat")
    refused = await client.post(
        "/assistant/chat/ask",
        data={"question": "Hello", "csrf_token": csrf_of(client)},
        headers={"Accept": "application/x-ndjson"},
    )
    assert refused.status_code == 402
    assert "your balance is 3" in refused.json()["detail"]
    plain = await client.post(
        "/assistant/chat/ask", data={"question": "Hello", "csrf_token": csrf_of(client)}
    )
    assert plain.status_code == 303 and plain.headers["location"] == "/assistant/chat"
    assert "your balance is 3" in (await client.get("/assistant/chat")).text


async def test_api_conversations_tenancy_and_delete(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await bearer_for(client, await funded_subscriber(db, tokens=1_000))
    other = await bearer_for(client, await funded_subscriber(db, tokens=1_000))
    answered = await client.post(
        "/api/v1/assistant/chat", json={"question": "Draft an e-mail to a new owner"}, headers=owner
    )
    assert answered.status_code == 200, answered.text
    body = answered.json()
    assert body["draft_type"] == "email" and body["model"] == "offline"
    assert body["credits_charged"] == 5 and body["balance"] == 995
    conversation = f"/api/v1/assistant/conversations/{body['conversation_id']}"

    follow_up = await client.post(
        "/api/v1/assistant/chat",
        json={"question": "Shorter, please", "conversation_id": body["conversation_id"]},
        headers=owner,
    )
    assert follow_up.json()["conversation_id"] == body["conversation_id"]
    detail = (await client.get(conversation, headers=owner)).json()
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant"] * 2
    assert detail["answers"] == 2 and detail["credits_charged"] == 10
    listed = (await client.get("/api/v1/assistant/conversations", headers=owner)).json()
    assert [c["conversation_id"] for c in listed["items"]] == [body["conversation_id"]]

    assert (await client.get(conversation, headers=other)).status_code == 404
    assert (await client.delete(conversation, headers=other)).status_code == 404
    stolen = await client.post(
        "/api/v1/assistant/chat",
        json={"question": "And?", "conversation_id": body["conversation_id"]},
        headers=other,
    )
    assert stolen.status_code == 404
    their_lead = await saved_lead(db, await funded_subscriber(db, tokens=0), "3 OTHER ST")
    about_theirs = await client.post(
        "/api/v1/assistant/chat", json={"question": "Hi", "lead_id": str(their_lead)}, headers=owner
    )
    assert about_theirs.status_code == 404
    script = f"/api/v1/assistant/messages/{body['message_id']}/script"
    assert (await client.post(script, json={}, headers=other)).status_code == 404
    made = await client.post(script, json={}, headers=owner)
    assert made.status_code == 201 and made.json()["script_type"] == "email"
    assert (await client.get("/api/v1/assistant/conversations", headers=other)).json()[
        "items"
    ] == []

    assert (await client.delete(conversation, headers=owner)).status_code == 204
    assert (await client.get(conversation, headers=owner)).status_code == 404


async def test_delete_asks_first(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await funded_subscriber(db, tokens=1_000)
    await log_in_browser(client, user)
    await client.get("/assistant/chat")
    asked = await client.post(
        "/assistant/chat/ask", data={"question": "Hello", "csrf_token": csrf_of(client)}
    )
    url = asked.headers["location"].partition("#")[0]
    confirm = await client.get(f"{url}/delete")
    assert confirm.status_code == 200 and "Delete this conversation?" in confirm.text
    deleted = await client.post(f"{url}/delete", data={"csrf_token": csrf_of(client)})
    assert deleted.status_code == 303
    assert (await client.get(url)).status_code == 404


async def test_the_chat_needs_a_plan_with_ai_chat(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    no_plan = await api_as(client, db, Plan.NONE)
    refused = await client.post("/api/v1/assistant/chat", json={"question": "Hi"}, headers=no_plan)
    assert refused.status_code == 403 and "AI chat" in refused.json()["detail"]
    homeowner = await api_as(client, db, UserType.HOMEOWNER)
    assert (
        await client.get("/api/v1/assistant/conversations", headers=homeowner)
    ).status_code == 403
    await db.execute(
        text(
            "UPDATE subscription_plans SET features = features || '{\"ai_chat\": false}' "
            "WHERE plan_name = 'contractor'"
        )
    )
    await log_in_browser(client, await make_subscriber(db, Plan.CONTRACTOR))
    page = await client.get("/assistant/chat")
    assert page.status_code == 403
    assert re.search(r"investor|full", page.text)


async def test_the_economics_page_shows_the_chat_s_cost_and_revenue(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await funded_subscriber(db, tokens=1_000)
    headers = await bearer_for(client, user)
    answered = await client.post(
        "/api/v1/assistant/chat", json={"question": "What is our pool pricing?"}, headers=headers
    )
    assert answered.status_code == 200
    cost = await db.scalar(
        text("SELECT cost FROM conversation_history WHERE conversation_id = :id"),
        {"id": answered.json()["message_id"]},
    )
    await log_in_browser(client, await make_user(db, UserType.ADMIN))

    page = await client.get("/admin/economics")

    row = re.search(r'data-testid="action-ai_chat_1k_tokens">(.*?)</tr>', page.text, re.S)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    assert cells[0] == "ai_chat_1k_tokens" and cells[1] == "1"
    assert cells[3] == f"${cost:.6f}"  # the provider cost: prompt and completion at their prices
    assert cells[6].startswith("$") and cells[6] != "$0.0000"  # revenue: 5 credits' worth
