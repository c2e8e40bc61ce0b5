"""Tag rules on their own: trimming, length and count limits at their boundaries, control
characters, case-insensitive repeats, a subscriber's existing spelling."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propintel.kit.errors import Invalid
from propintel.kit.tags import (
    MAX_TAG_LENGTH,
    MAX_TAGS,
    clean_tag,
    merge_tags,
    normalise_tags,
    remove_tag,
    tag_key,
)

# Text a subscriber might type: letters in both cases, digits, spaces, punctuation, accents.
typed = st.text(
    alphabet=st.characters(categories=["L", "N", "P", "Zs", "S"], exclude_characters="\x85"),
    max_size=60,
)


def test_a_tag_is_trimmed_and_inner_runs_of_spaces_become_one() -> None:
    assert clean_tag("  May   mailer \n") == "May mailer"


def test_length_boundary_is_forty_characters_after_trimming() -> None:
    assert clean_tag(" " + "x" * MAX_TAG_LENGTH + " ") == "x" * MAX_TAG_LENGTH
    with pytest.raises(ValueError, match="at most 40 characters"):
        clean_tag("x" * (MAX_TAG_LENGTH + 1))
    with pytest.raises(ValueError, match="cannot be empty"):
        clean_tag("   ")


@pytest.mark.parametrize("raw", ["May\tmailer", "Hot\nlead", "nul\x00", "line\u2028sep"])
def test_control_characters_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="control characters"):
        clean_tag(raw)


def test_errors_name_the_entry_or_the_list() -> None:
    with pytest.raises(Invalid) as bad_entry:
        normalise_tags(["Hot", "\x07"])
    with pytest.raises(Invalid) as too_many:
        normalise_tags([f"tag {n}" for n in range(MAX_TAGS + 1)])

    assert (bad_entry.value.status_code, bad_entry.value.field) == (422, "tags.1")
    assert too_many.value.field == "tags" and "at most 20 tags" in too_many.value.message
    assert len(normalise_tags([f"tag {n}" for n in range(MAX_TAGS)])) == MAX_TAGS


def test_repeats_in_another_case_collapse_to_the_first_spelling_or_the_known_one() -> None:
    assert normalise_tags(["Hot", "HOT", " hot "]) == ["Hot"]
    assert normalise_tags(["may mailer", "Pool"], known=["May Mailer"]) == ["May Mailer", "Pool"]
    # 21 entries that are 20 tags are accepted: the limit counts tags, not entries.
    assert len(normalise_tags([*(f"t{n}" for n in range(MAX_TAGS)), "T0"])) == MAX_TAGS


def test_merge_and_remove_ignore_case() -> None:
    assert merge_tags(["Hot", "Pool"], ["hot", "May mailer"]) == ["Hot", "Pool", "May mailer"]
    assert remove_tag(["Hot", "Pool"], "HOT") == ["Pool"]
    assert remove_tag(["Hot"], "absent") == ["Hot"]


@given(st.lists(typed, max_size=30))
def test_normalised_tags_are_valid_unique_and_stable(raw: list[str]) -> None:
    try:
        tags = normalise_tags(raw)
    except Invalid:
        return  # a refusal is checked by the examples above
    assert len(tags) <= MAX_TAGS
    assert all(1 <= len(tag) <= MAX_TAG_LENGTH and tag == tag.strip() for tag in tags)
    assert len({tag_key(tag) for tag in tags}) == len(tags)  # no repeats, in any case
    assert normalise_tags(tags) == tags  # normalising again changes nothing
    # Every valid entry is represented by exactly one tag.
    assert {tag_key(tag) for tag in tags} == {tag_key(clean_tag(entry)) for entry in raw}


@given(st.lists(typed.filter(lambda t: t.strip()), max_size=10), st.lists(typed, max_size=10))
def test_known_spellings_win_and_order_is_kept(known_raw: list[str], raw: list[str]) -> None:
    try:
        known = normalise_tags(known_raw)
        tags = normalise_tags(raw, known)
    except Invalid:
        return
    spelling = {tag_key(tag): tag for tag in known}
    assert all(tag == spelling.get(tag_key(tag), tag) for tag in tags)
    firsts = list(dict.fromkeys(tag_key(clean_tag(entry)) for entry in raw))
    assert [tag_key(tag) for tag in tags] == firsts
