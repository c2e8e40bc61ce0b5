"""Text templates: the starters every subscriber has (English and Spanish) and the subscriber's own
SMS scripts (read through ``assistant.service``; edited on /assistant/scripts), with the variables
``{owner_first_name}``, ``{address}`` and ``{business_name}``.

Rendering is strict: a variable that is not one of these, or that has no value for this lead (an
owner of record that is a company has no first name), is refused with a message naming it, so a
text never goes out with a hole or a stray placeholder. Braces that do not name a variable
(``{ }``, ``{1}``) are left as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from propintel.kit.errors import Invalid
from propintel.kit.i18n import N_, _

VARIABLES = ("owner_first_name", "address", "business_name")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
STARTER_PREFIX = "starter:"
SCRIPT_PREFIX = "script:"


@dataclass(frozen=True)
class Starter:
    key: str
    name: str  # N_: translated where shown
    content: str  # in its own language, whatever the page's


STARTERS: tuple[Starter, ...] = (
    Starter(
        "starter:intro_en",
        N_("Introduction (English)"),
        "Hi {owner_first_name}, this is {business_name}. I'm reaching out about your property at "
        "{address}. Would you consider an offer? Reply STOP to opt out.",
    ),
    Starter(
        "starter:followup_en",
        N_("Follow-up (English)"),
        "Hi {owner_first_name}, {business_name} again about {address}. If you ever think about "
        "selling, I can make a fair cash offer. Reply STOP to opt out.",
    ),
    Starter(
        "starter:intro_es",
        N_("Introduction (Spanish)"),
        "Hola {owner_first_name}, le escribe {business_name}. Me interesa su propiedad en "
        "{address}. ¿Consideraría una oferta? Responda ALTO para no recibir más mensajes.",
    ),
)


def starter(key: str) -> Starter | None:
    return next((s for s in STARTERS if s.key == key), None)


def _missing(name: str) -> str:
    variable = "{" + name + "}"
    if name == "owner_first_name":
        return _(
            "The owner of record is not a person with a first name on record, so {variable} "
            "cannot be filled in. Remove it from the text."
        ).format(variable=variable)
    if name == "business_name":
        return _(
            "Your business name is not set in your profile, so {variable} cannot be filled in. "
            "Add it to your profile or remove it from the text."
        ).format(variable=variable)
    return _("This property has no address on record, so {variable} cannot be filled in.").format(
        variable=variable
    )


def render(content: str, values: Mapping[str, str | None], *, field: str = "body") -> str:
    """``content`` with each ``{variable}`` replaced by its value; ``Invalid`` (on ``field``)
    naming the first unknown variable, or the first without a value."""
    for match in _PLACEHOLDER.finditer(content):
        name = match.group(1)
        if name not in VARIABLES:
            raise Invalid(
                _("The text uses an unknown variable {variable}. You can use {known}.").format(
                    variable=match.group(0), known=", ".join("{" + v + "}" for v in VARIABLES)
                ),
                field=field,
            )
        if not values.get(name):
            raise Invalid(_missing(name), field=field)
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), content)
