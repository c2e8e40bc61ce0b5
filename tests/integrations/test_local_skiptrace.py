"""The offline skip-trace simulator: deterministic, plausible, and never a real contact."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from propintel.integrations.local.skiptrace import LocalSkipTracer, simulate
from propintel.integrations.skiptrace import SkipTraceRequest
from propintel.kit.phones import area_code, normalize_phone

REQUESTS = [
    SkipTraceRequest(str(n), f"{100 + n} NW {n % 40 + 1} AVE", "MIAMI", "FL", "33128",
                     *(("Maria", f"Garcia{n}") if n % 3 else (None, None)))
    for n in range(1000)
]  # fmt: skip
addresses = st.builds(
    SkipTraceRequest,
    request_id=st.uuids().map(str),
    street=st.text(min_size=1, max_size=40),
    city=st.sampled_from(["MIAMI", "HIALEAH", "DORAL"]),
    state=st.just("FL"),
    zip=st.from_regex(r"331[0-9]{2}", fullmatch=True),
    first_name=st.none() | st.text(max_size=12),
    last_name=st.none() | st.text(max_size=12),
)


@given(addresses)
def test_the_same_request_always_gets_the_same_answer_and_only_fictional_contacts(
    request: SkipTraceRequest,
) -> None:
    result = simulate(request)
    assert result == simulate(request)
    assert result.request_id == request.request_id
    assert result.cost_usd is None
    if not result.matched:
        assert result.phones == [] and result.emails == []
    for phone in result.phones:
        assert normalize_phone(phone.number) == phone.number
        assert area_code(phone.number) in {"305", "786", "954"}
        assert phone.number[5:9] == "5550" and 100 <= int(phone.number[9:]) <= 199
        assert phone.type in {"mobile", "landline", "voip"}
    assert len({phone.number for phone in result.phones}) == len(result.phones)
    assert 0 <= len(result.emails) <= 2
    assert all(email.split("@")[1].startswith("example.") for email in result.emails)


def test_the_mix_has_every_kind_the_product_must_handle() -> None:
    results = [simulate(request) for request in REQUESTS]
    matched = [r for r in results if r.matched]
    assert 150 <= len(results) - len(matched) <= 250  # about one in five: no match
    phones = [phone for r in matched for phone in r.phones]
    types = Counter(phone.type for phone in phones)
    assert types["mobile"] > types["landline"] > types["voip"] > 0
    assert any(phone.dnc for phone in phones) and any(phone.litigator for phone in phones)
    assert any(not r.emails for r in matched) and any(len(r.emails) == 2 for r in matched)
    assert "maria.garcia@" in " ".join(e for r in results for e in r.emails)


async def test_the_adapter_answers_each_request() -> None:
    tracer = LocalSkipTracer()
    results = await tracer.trace(REQUESTS[:100])
    assert [r.request_id for r in results] == [r.request_id for r in REQUESTS[:100]]
    assert tracer.provider == "local"
