"""What an e-mail to an owner carries, as properties: variables render only the three names and
refuse any other, braces escape; the reply tag and the unsubscribe token give back their log id
and nothing forged does; an event's message id is matched by its dot-separated prefixes."""

from __future__ import annotations

import string
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propintel.kit.errors import Invalid
from propintel.outreach.email_content import (
    VARIABLES,
    check_variables,
    log_of_token,
    render_variables,
    reply_address,
    script_step,
    tagged_log_ids,
    unsubscribe_token,
)
from propintel.outreach.email_events import _prefixes
from tests.outreach.email_helpers import settings

VALUES = {"owner_first_name": "Maria", "address": "1 LEAD ST", "business_name": "Sunny {Pools}"}
plain = st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=80)
names = st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=20)


@given(st.lists(st.one_of(plain, st.sampled_from(VARIABLES)), max_size=8))
def test_known_variables_render_and_the_rest_stays(parts: list[str]) -> None:
    template = "".join("{" + p + "}" if p in VARIABLES else p for p in parts)
    expected = "".join(VALUES[p] if p in VARIABLES else p for p in parts)
    check_variables(template, "body")
    assert render_variables(template, VALUES) == expected


@given(plain, names.filter(lambda name: name not in VARIABLES), plain)
def test_any_other_variable_is_refused_by_name(before: str, name: str, after: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_variables(f"{before}{{{name}}}{after}", "subject")
    assert refused.value.field == "subject" and "{" + name + "}" in refused.value.message


@given(plain)
def test_doubled_braces_write_braces(text: str) -> None:
    check_variables("{{" + text + "}}", "body")
    assert render_variables("{{" + text + "}}", VALUES) == "{" + text + "}"


@given(st.uuids())
def test_the_reply_tag_and_the_token_give_back_the_log(log_id: uuid.UUID) -> None:
    address = reply_address(settings(), log_id)
    assert tagged_log_ids(f"Sunny <{address}>") == [log_id]
    assert tagged_log_ids(address.upper()) == [log_id]
    assert log_of_token(settings(), unsubscribe_token(settings(), log_id)) == log_id


@given(st.text(max_size=60))
def test_a_forged_token_names_no_log(token: str) -> None:
    assert log_of_token(settings(), token) is None


@given(st.lists(st.text(alphabet=string.ascii_letters + string.digits, min_size=1), min_size=1))
def test_prefixes_end_with_the_whole_id(parts: list[str]) -> None:
    message_id = ".".join(parts)
    found = _prefixes(message_id)
    assert found[0] == parts[0] and found[-1] == message_id and len(found) == len(parts)
    assert all(message_id.startswith(prefix) for prefix in found)


def test_a_script_with_a_subject_line() -> None:
    step = script_step("Offer", "Subject: Pools at {address}\n\nHi!")
    assert (step.day, step.subject, step.body) == (0, "Pools at {address}", "Hi!")
    assert script_step("Offer", "  Hi!  ").subject == "Offer"
