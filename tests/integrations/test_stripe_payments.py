"""The Stripe adapter runs the real SDK against a mocked HTTP transport: each test asserts the
exact request Stripe would receive (path, form fields, idempotency key) and reads a recorded-shape
response. Its webhook events are verified as Stripe signs them (signed here with a local secret)."""

from __future__ import annotations

import json
import time
import types
import urllib.parse
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import stripe

from propintel.integrations.payments import (
    BadSignature,
    CheckoutItem,
    CheckoutRequest,
    PaymentUnavailable,
)
from propintel.integrations.stripe.payments import StripePayments, stripe_client

WEBHOOK_SECRET = "whsec_local_test"

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    def __init__(
        self, responses: dict[tuple[str, str], dict[str, Any] | tuple[int, dict[str, Any]]]
    ):
        self.responses = responses
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.responses[(request.method, request.url.path)]
        status, body = answer if isinstance(answer, tuple) else (200, answer)
        return httpx.Response(status, json=body, headers={"Request-Id": "req_1"})

    def form(self, index: int = 0) -> dict[str, list[str]]:
        body = self.requests[index].content.decode()
        if self.requests[index].method == "GET":
            body = self.requests[index].url.query.decode()
        return urllib.parse.parse_qs(body)


def _adapter(recorder: Handler) -> StripePayments:
    def async_client(**kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(recorder))

    fake_httpx = types.SimpleNamespace(AsyncClient=async_client, Client=httpx.Client)
    http_client = stripe.HTTPXClient(_lib=fake_httpx)
    return StripePayments(stripe_client("sk_test_123", http_client), WEBHOOK_SECRET)


def _checkout(mode: str, item: CheckoutItem) -> CheckoutRequest:
    return CheckoutRequest(
        mode=mode,  # type: ignore[arg-type]
        item=item,
        customer_id="cus_1",
        client_reference_id="user-1",
        metadata={"kind": "bundle", "tokens": "10000"},
        success_url="https://app.example/billing/credits?checkout=paid",
        cancel_url="https://app.example/billing/credits?checkout=cancelled",
        idempotency_key="checkout-abc",
        subscription_metadata={"plan_id": "p1"} if mode == "subscription" else {},
    )


SESSION = {
    "id": "cs_test_1",
    "object": "checkout.session",
    "url": "https://checkout.stripe.com/c/1",
}


async def test_a_bundle_checkout_posts_the_form_stripe_expects() -> None:
    recorder = Recorder({("POST", "/v1/checkout/sessions"): SESSION})
    session = await _adapter(recorder).create_checkout(
        _checkout("payment", CheckoutItem("10000 Credits", 1000))
    )
    assert (session.session_id, session.url) == ("cs_test_1", "https://checkout.stripe.com/c/1")
    request = recorder.requests[0]
    assert request.headers["Idempotency-Key"] == "checkout-abc"
    assert request.headers["Authorization"] == "Bearer sk_test_123"
    form = recorder.form()
    assert form["mode"] == ["payment"]
    assert form["customer"] == ["cus_1"]
    assert form["client_reference_id"] == ["user-1"]
    assert form["metadata[tokens]"] == ["10000"]
    assert form["line_items[0][price_data][unit_amount]"] == ["1000"]
    assert form["line_items[0][price_data][currency]"] == ["usd"]
    assert form["line_items[0][price_data][product_data][name]"] == ["10000 Credits"]
    assert form["payment_intent_data[setup_future_usage]"] == ["off_session"]
    assert "subscription_data[metadata][plan_id]" not in form


async def test_a_subscription_checkout_uses_the_plans_price_and_subscription_metadata() -> None:
    recorder = Recorder({("POST", "/v1/checkout/sessions"): SESSION})
    await _adapter(recorder).create_checkout(
        _checkout("subscription", CheckoutItem("full", 9800, "price_full", "month"))
    )
    form = recorder.form()
    assert form["mode"] == ["subscription"]
    assert form["line_items[0][price]"] == ["price_full"]
    assert form["subscription_data[metadata][plan_id]"] == ["p1"]
    assert "payment_intent_data[setup_future_usage]" not in form


async def test_a_yearly_plan_without_a_stored_price_sends_an_inline_recurring_price() -> None:
    recorder = Recorder({("POST", "/v1/checkout/sessions"): SESSION})
    await _adapter(recorder).create_checkout(
        _checkout("subscription", CheckoutItem("full (yearly)", 98000, None, "year"))
    )
    form = recorder.form()
    assert form["line_items[0][price_data][recurring][interval]"] == ["year"]
    assert form["line_items[0][price_data][unit_amount]"] == ["98000"]


async def test_an_off_session_recharge_confirms_a_payment_intent_with_the_saved_card() -> None:
    recorder = Recorder(
        {
            ("GET", "/v1/payment_methods"): {
                "object": "list",
                "data": [{"id": "pm_1", "object": "payment_method"}],
                "has_more": False,
                "url": "/v1/payment_methods",
            },
            ("POST", "/v1/payment_intents"): {
                "id": "pi_1",
                "object": "payment_intent",
                "status": "succeeded",
            },
        }
    )
    result = await _adapter(recorder).charge_saved_card(
        "cus_1", 100, {"kind": "recharge"}, "recharge-1"
    )
    assert (result.succeeded, result.payment_intent_id) == (True, "pi_1")
    assert recorder.form(0)["customer"] == ["cus_1"]
    intent = recorder.requests[1]
    assert intent.headers["Idempotency-Key"] == "recharge-1"
    form = recorder.form(1)
    assert form["amount"] == ["100"] and form["currency"] == ["usd"]
    assert form["payment_method"] == ["pm_1"]
    assert form["off_session"] == ["true"] and form["confirm"] == ["true"]


async def test_a_card_decline_is_reported_not_raised() -> None:
    decline = {
        "error": {
            "type": "card_error",
            "code": "card_declined",
            "message": "Your card was declined.",
            "payment_intent": {"id": "pi_declined", "object": "payment_intent"},
        }
    }
    recorder = Recorder(
        {
            ("GET", "/v1/payment_methods"): {
                "object": "list",
                "data": [{"id": "pm_1"}],
                "has_more": False,
            },
            ("POST", "/v1/payment_intents"): (402, decline),
        }
    )
    result = await _adapter(recorder).charge_saved_card("cus_1", 100, {}, "recharge-2")
    assert result.succeeded is False
    assert result.payment_intent_id == "pi_declined"
    assert result.failure_message == "Your card was declined."
    assert len(recorder.requests) == 2  # a decline is not retried


async def test_cancel_at_period_end_updates_the_subscription() -> None:
    recorder = Recorder(
        {("POST", "/v1/subscriptions/sub_1"): {"id": "sub_1", "object": "subscription"}}
    )
    await _adapter(recorder).set_cancel_at_period_end("sub_1", True)
    assert recorder.form() == {"cancel_at_period_end": ["true"]}


async def test_a_customer_is_created_with_our_user_id_and_an_idempotency_key() -> None:
    recorder = Recorder({("POST", "/v1/customers"): {"id": "cus_9", "object": "customer"}})
    customer = await _adapter(recorder).create_customer(
        "a@example.com", "user-1", "customer-user-1"
    )
    assert customer == "cus_9"
    assert recorder.requests[0].headers["Idempotency-Key"] == "customer-user-1"
    assert recorder.form() == {"email": ["a@example.com"], "metadata[user_id]": ["user-1"]}


async def test_a_network_failure_is_retried_with_the_same_idempotency_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """max_network_retries=2: a dropped connection is retried, and the retry carries the same
    idempotency key, so Stripe creates one customer."""
    calls: list[httpx.Request] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ConnectError("connection reset")
        return httpx.Response(200, json={"id": "cus_9", "object": "customer"})

    monkeypatch.setattr(stripe.HTTPXClient, "_sleep_time_seconds", lambda *_a, **_k: 0)
    adapter = _adapter(flaky)
    assert await adapter.create_customer("a@example.com", "u", "customer-u") == "cus_9"
    assert len(calls) == 2
    assert {call.headers["Idempotency-Key"] for call in calls} == {"customer-u"}


async def test_a_provider_error_that_is_not_the_cards_is_raised_as_unavailable() -> None:
    bad_key = {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}
    recorder = Recorder(
        {
            ("GET", "/v1/payment_methods"): {"object": "list", "data": [{"id": "pm_1"}]},
            ("POST", "/v1/payment_intents"): (401, bad_key),
        }
    )
    with pytest.raises(PaymentUnavailable):
        await _adapter(recorder).charge_saved_card("cus_1", 100, {}, "recharge-3")


def _signed(event: dict[str, Any], secret: str = WEBHOOK_SECRET, at: int | None = None) -> Any:
    raw = json.dumps(event)
    return raw.encode(), stripe.WebhookSignature.generate_signature_header(raw, secret, at)


def test_an_event_is_read_only_when_its_signature_is_the_endpoints() -> None:
    adapter = _adapter(Recorder({}))
    event = {"id": "evt_1", "type": "invoice.paid", "data": {"object": {}}}
    assert adapter.verify_event(*_signed(event)) == event
    stale = _signed(event, at=int(time.time()) - 301)
    refused = [
        (b'{"id": "evt_2", "type": "invoice.paid"}', _signed(event)[1]),  # another body
        _signed(event, secret="whsec_someone_else"),
        stale,
        (_signed(event)[0], None),
        (_signed(event)[0], "t=1,v1=deadbeef"),
        _signed({"no": "id"}),
    ]
    for body, header in refused:
        with pytest.raises(BadSignature):
            adapter.verify_event(body, header)
