"""Tags: short labels a subscriber files things under ("May mailer", "Hot"): saved leads (a list
of leads is the leads carrying one tag) and knowledge-base entries. Pure functions, so the rules
are tested on their own.

A tag is 1-40 characters once trimmed (inner runs of spaces become one), without control
characters; a lead carries at most 20. Tags that differ only in case are the same tag: the first
spelling is kept, and a subscriber's existing spelling wins over a new one, so each list has one
name however it is typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from propintel.kit.errors import Invalid
from propintel.kit.i18n import _

MAX_TAG_LENGTH = 40
MAX_TAGS = 20
# Cc: control characters (tabs, newlines, NUL...); Zl/Zp: the line and paragraph separators.
_FORBIDDEN_CATEGORIES = {"Cc", "Zl", "Zp"}
_SPACES = re.compile(r" {2,}")


def tag_key(tag: str) -> str:
    """What makes two tags the same tag: lower case, as the table's filter compares them in SQL
    (``lower()``), so the two never disagree about a tag."""
    return tag.lower()


def clean_tag(raw: str) -> str:
    """One tag trimmed and checked; ``ValueError`` with the reason when it cannot be a tag."""
    tag = raw.strip()
    if any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in tag):
        raise ValueError(_("A tag cannot contain control characters such as tabs or line breaks."))
    tag = _SPACES.sub(" ", tag)
    if not tag:
        raise ValueError(_("A tag cannot be empty."))
    if len(tag) > MAX_TAG_LENGTH:
        raise ValueError(
            _("A tag has at most {limit} characters ({count} given).").format(
                limit=MAX_TAG_LENGTH, count=len(tag)
            )
        )
    return tag


def unique_tags(tags: Iterable[str], known: Iterable[str] = ()) -> list[str]:
    """``tags`` without case-insensitive repeats, in order; each spelled as in ``known`` (the
    subscriber's tags) when it is there, else as first given."""
    spelling = {tag_key(tag): tag for tag in known}
    seen: dict[str, str] = {}
    for tag in tags:
        seen.setdefault(tag_key(tag), spelling.get(tag_key(tag), tag))
    return list(seen.values())


def spelled_as(tag: str, known: Iterable[str]) -> str:
    """``tag`` as ``known`` (the subscriber's tags) spells it, else as given."""
    return next((name for name in known if tag_key(name) == tag_key(tag)), tag)


def normalise_tags(
    raw: Sequence[str], known: Iterable[str] = (), *, field: str = "tags"
) -> list[str]:
    """Tags as given by a subscriber, cleaned and without repeats: ``Invalid`` naming the entry
    (``tags.2``) or the list when one is not a tag or there are more than ``MAX_TAGS``."""
    cleaned = []
    for index, value in enumerate(raw):
        try:
            cleaned.append(clean_tag(value))
        except ValueError as error:
            raise Invalid(str(error), field=f"{field}.{index}") from error
    return check_count(unique_tags(cleaned, known), field=field)


def check_count(tags: list[str], *, field: str = "tags", address: str | None = None) -> list[str]:
    """``tags`` when a lead may carry them all; ``Invalid`` otherwise."""
    if len(tags) <= MAX_TAGS:
        return tags
    if address:
        message = _(
            "The lead at {address} can carry at most {limit} tags ({count} asked for): "
            "remove some first."
        ).format(address=address, limit=MAX_TAGS, count=len(tags))
    else:
        message = _(
            "A lead can carry at most {limit} tags ({count} asked for): remove some first."
        ).format(limit=MAX_TAGS, count=len(tags))
    raise Invalid(message, field=field)


def merge_tags(current: Sequence[str], added: Sequence[str]) -> list[str]:
    """A lead's tags with ``added`` (already normalised) appended, repeats collapsed."""
    return unique_tags([*current, *added])


def remove_tag(current: Sequence[str], tag: str) -> list[str]:
    """A lead's tags without ``tag`` (in any case)."""
    return [kept for kept in current if tag_key(kept) != tag_key(tag)]
