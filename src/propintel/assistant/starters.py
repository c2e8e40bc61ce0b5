"""The starter library: ready-made knowledge-base entries (and, added by the scripts helper,
scripts and call templates) per trade and language, that a subscriber copies with one button and
then edits. Copies become the subscriber's own rows; nothing here is ever shown to another
subscriber as theirs.

Structure: ``STARTERS[trade][language]`` is a ``StarterSet`` (``knowledge``, ``scripts``,
``templates``: tuples of plain frozen dataclasses). The text is data in the set's own language (the
Spanish set is written in Spanish), never a gettext message id; only the trade and language labels
are translated (``TRADES`` / ``LANGUAGES``, N_ ids shown with ``_(label)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Final, TypeVar

from propintel.kit.i18n import N_

TRADES: Final[dict[str, str]] = {
    "pool": N_("Pool service"),
    "lawn": N_("Lawn care"),
    "hvac": N_("Heating and air conditioning (HVAC)"),
    "roofing": N_("Roofing"),
    "investor": N_("Real-estate investor"),
}
LANGUAGES: Final[dict[str, str]] = {"en": N_("English"), "es": N_("Español")}


@dataclass(frozen=True)
class StarterKnowledge:
    """A knowledge-base entry to copy (content_type is one of knowledge.CONTENT_TYPES)."""

    content_type: str
    title: str
    content: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class StarterScript:
    """A script to copy (script_type: cold_call, email, sms, voicemail or chat)."""

    script_type: str
    script_name: str
    script_content: str
    voice: str = "professional"  # a profiles BRAND_VOICES slug


@dataclass(frozen=True)
class StarterTemplate:
    """An AI call template to copy; ``variables`` are the ``{{names}}`` its content uses."""

    template_type: str
    template_name: str
    template_content: str
    variables: tuple[str, ...] = ()
    voice: str = "professional"  # a profiles BRAND_VOICES slug


@dataclass(frozen=True)
class StarterSet:
    knowledge: tuple[StarterKnowledge, ...] = ()
    scripts: tuple[StarterScript, ...] = field(default=())
    templates: tuple[StarterTemplate, ...] = field(default=())


_PRICING_EN = (
    "Prices are estimates until we see the property. Every quote is free, written and valid for "
    "30 days; the final price depends on size, condition and access."
)
_PRICING_ES = (
    "Los precios son estimados hasta que veamos la propiedad. Cada cotización es gratis, por "
    "escrito y válida por 30 días; el precio final depende del tamaño, el estado y el acceso."
)

STARTERS: Final[dict[str, dict[str, StarterSet]]] = {
    "pool": {
        "en": StarterSet(
            knowledge=(
                StarterKnowledge(
                    "service",
                    "Weekly pool service",
                    "Weekly visits: skim, brush walls and steps, vacuum, empty baskets, test and "
                    "balance the water (chlorine, pH, alkalinity), and check the pump and filter. "
                    "We also repair pumps, heaters and salt systems, and clean green pools.",
                    ("pool",),
                ),
                StarterKnowledge("pricing", "Pool service pricing", _PRICING_EN, ("pricing",)),
                StarterKnowledge(
                    "faq",
                    "How soon can you start on my pool?",
                    "Usually within the week. New homeowners get a first full cleaning and a "
                    "water test before the weekly route starts.",
                    ("faq",),
                ),
            )
        ),
        "es": StarterSet(
            knowledge=(
                StarterKnowledge(
                    "service",
                    "Servicio semanal de piscina",
                    "Visitas semanales: limpiamos la superficie, cepillamos paredes y escalones, "
                    "aspiramos, vaciamos las canastas, analizamos y balanceamos el agua "
                    "(cloro, pH, alcalinidad) y revisamos la bomba y el filtro. También "
                    "reparamos bombas, calentadores y sistemas de sal, y limpiamos piscinas "
                    "verdes.",
                    ("piscina",),
                ),
                StarterKnowledge("pricing", "Precios del servicio de piscinas", _PRICING_ES),
                StarterKnowledge(
                    "faq",
                    "¿Cuándo pueden empezar con mi piscina?",
                    "Normalmente en la misma semana. Los nuevos propietarios reciben una primera "
                    "limpieza completa y un análisis del agua antes de la ruta semanal.",
                ),
            )
        ),
    },
    "lawn": {
        "en": StarterSet(
            knowledge=(
                StarterKnowledge(
                    "service",
                    "Lawn care and mowing",
                    "Mowing, edging, trimming hedges, blowing walks and driveways, fertilizing and "
                    "weed control on a weekly or every-other-week schedule.",
                    ("lawn",),
                ),
                StarterKnowledge("pricing", "Lawn care pricing", _PRICING_EN, ("pricing",)),
                StarterKnowledge(
                    "faq",
                    "Do I need to be home for lawn service?",
                    "No. We only need access to the yard; we text you when the visit is done.",
                ),
            )
        ),
        "es": StarterSet(
            knowledge=(
                StarterKnowledge(
                    "service",
                    "Cuidado y corte de césped",
                    "Corte de césped, bordes, poda de setos, limpieza de aceras y entradas, "
                    "fertilización y control de malezas, cada semana o cada dos semanas.",
                    ("césped",),
                ),
                StarterKnowledge("pricing", "Precios del cuidado de césped", _PRICING_ES),
                StarterKnowledge(
                    "faq",
                    "¿Tengo que estar en casa durante el servicio?",
                    "No. Solo necesitamos acceso al patio; le enviamos un texto al terminar.",
                ),
            )
        ),
    },
    "hvac": {
        "en": StarterSet(
            knowledge=(
                StarterKnowledge(
                    "service",
                    "Air conditioning tune-up and repair",
                    "Tune-ups (coils, drain line, refrigerant check, filters), repairs of any "
                    "brand, and new high-efficiency systems with financing available.",
                    ("ac",),
                ),
                StarterKnowledge("pricing", "HVAC pricing", _PRICING_EN, ("pricing",)),
                StarterKnowledge(
                    "faq",
                    "How often should my AC be serviced?",
                    "In South Florida, twice a year: before summer and in the fall. Change the "
                    "filter every one to three months.",
                ),
            )
        ),
        "es": StarterSet(
            knowledge=(
                StarterKnowledge(
                    "service",
                    "Mantenimiento y reparación de aire acondicionado",
                    "Mantenimiento (serpentines, línea de drenaje, refrigerante, filtros), "
                    "reparaciones de todas las marcas y equipos nuevos de alta eficiencia con "
                    "financiamiento disponible.",
                    ("aire",),
                ),
                StarterKnowledge("pricing", "Precios de aire acondicionado", _PRICING_ES),
                StarterKnowledge(
                    "faq",
                    "¿Cada cuánto hay que darle servicio al aire acondicionado?",
                    "En el sur de la Florida, dos veces al año: antes del verano y en el otoño. "
                    "Cambie el filtro cada uno a tres meses.",
                ),
            )
        ),
    },
    "roofing": {
        "en": StarterSet(
            knowledge=(
                StarterKnowledge(
                    "service",
                    "Roof repair and replacement",
                    "Leak repairs, shingle, tile and flat roofs, full replacements to the Florida "
                    "Building Code, and help with insurance inspections after storms.",
                    ("roof",),
                ),
                StarterKnowledge("pricing", "Roofing pricing", _PRICING_EN, ("pricing",)),
                StarterKnowledge(
                    "faq",
                    "How do I know if my roof needs replacing?",
                    "Age over 15-20 years, missing or curling shingles, cracked tiles or stains on "
                    "the ceiling. A free inspection tells you for sure.",
                ),
            )
        ),
        "es": StarterSet(
            knowledge=(
                StarterKnowledge(
                    "service",
                    "Reparación y reemplazo de techos",
                    "Reparación de filtraciones, techos de tejas, shingle y planos, reemplazos "
                    "completos según el código de construcción de la Florida, y ayuda con las "
                    "inspecciones del seguro después de tormentas.",
                    ("techo",),
                ),
                StarterKnowledge("pricing", "Precios de techos", _PRICING_ES),
                StarterKnowledge(
                    "faq",
                    "¿Cómo sé si mi techo necesita reemplazo?",
                    "Más de 15 a 20 años, tejas rotas o sueltas, o manchas en el techo interior. "
                    "Una inspección gratis se lo confirma.",
                ),
            )
        ),
    },
    "investor": {
        "en": StarterSet(
            knowledge=(
                StarterKnowledge(
                    "about",
                    "We buy houses as-is",
                    "We buy homes for cash in any condition, close on your timeline, and cover "
                    "the closing costs. No repairs, no showings, no agent commissions.",
                    ("cash offer",),
                ),
                StarterKnowledge(
                    "policy",
                    "How our offers are made",
                    "Our offer is based on recent sales nearby and the repairs needed; it is not "
                    "an appraisal and you are never obliged to accept it.",
                ),
                StarterKnowledge(
                    "faq",
                    "How fast can you close?",
                    "In as little as 7-14 days with a clear title, or later if you need more time.",
                ),
            )
        ),
        "es": StarterSet(
            knowledge=(
                StarterKnowledge(
                    "about",
                    "Compramos casas en cualquier condición",
                    "Compramos casas al contado en cualquier estado, cerramos cuando a usted le "
                    "convenga y pagamos los gastos de cierre. Sin reparaciones, sin visitas y sin "
                    "comisiones de agentes.",
                    ("oferta",),
                ),
                StarterKnowledge(
                    "policy",
                    "Cómo hacemos nuestras ofertas",
                    "Nuestra oferta se basa en ventas recientes cercanas y las reparaciones "
                    "necesarias; no es una tasación y usted nunca está obligado a aceptarla.",
                ),
                StarterKnowledge(
                    "faq",
                    "¿Qué tan rápido pueden cerrar?",
                    "En tan solo 7 a 14 días con el título limpio, o más tarde si lo necesita.",
                ),
            )
        ),
    },
}


def starter_set(trade: str, language: str) -> StarterSet | None:
    """The starter set of a trade in a language, or None when there is none."""
    return STARTERS.get(trade, {}).get(language)


# ---- scripts and call templates (per trade, language and brand voice) -------------------------
# Each trade has a pitch in each language; the scripts and call templates of a voice are written
# around it. ``voice`` is a profiles BRAND_VOICES slug: the subscriber's voice picks its variant,
# professional when the voice has none. Script variables are outreach's ({owner_first_name},
# {address}, {business_name}); call templates use {{variables}} and declare exactly those.

VOICES: Final = ("professional", "friendly")
DEFAULT_VOICE: Final = "professional"

_PITCH: Final[dict[str, dict[str, tuple[str, str]]]] = {
    # trade -> language -> (what we do, the short name used in script names)
    "pool": {
        "en": ("weekly pool cleaning, water care and equipment repairs", "Pool"),
        "es": (
            "limpieza semanal de piscinas, cuidado del agua y reparación de equipos",
            "Piscina",
        ),
    },
    "lawn": {
        "en": ("lawn mowing, edging, trimming and seasonal yard clean-ups", "Lawn"),
        "es": ("corte de césped, bordes, poda y limpiezas de temporada", "Césped"),
    },
    "hvac": {
        "en": ("air-conditioning tune-ups, repairs and new system installs", "HVAC"),
        "es": (
            "mantenimiento, reparación e instalación de aire acondicionado",
            "Aire acondicionado",
        ),
    },
    "roofing": {
        "en": ("free roof inspections, leak repairs and full roof replacements", "Roofing"),
        "es": (
            "inspecciones de techo gratis, reparación de filtraciones y techos nuevos",
            "Techos",
        ),
    },
    "investor": {
        "en": (
            "fair cash offers for homes as they are, with no repairs or agent fees",
            "Investor",
        ),
        "es": (
            "ofertas en efectivo justas por casas tal como están, sin reparaciones ni comisiones",
            "Inversionista",
        ),
    },
}

# language -> voice -> script type -> (name suffix, content with %(pitch)s)
_SCRIPT_TEXT: Final[dict[str, dict[str, dict[str, tuple[str, str]]]]] = {
    "en": {
        "professional": {
            "sms": (
                "first text",
                "Hello {owner_first_name}, this is {business_name}. We provide %(pitch)s for "
                "homes like yours at {address}. May I send you details? Reply STOP to opt out.",
            ),
            "email": (
                "introduction e-mail",
                "Subject: About your property at {address}\n\nDear {owner_first_name},\n\n"
                "I am writing from {business_name}. We provide %(pitch)s, and we would be glad "
                "to prepare a written, no-obligation estimate for your property at {address}.\n\n"
                "Kind regards,\n{business_name}",
            ),
            "cold_call": (
                "call script",
                "Good morning, may I speak with {owner_first_name}? This is {business_name}. "
                "We provide %(pitch)s in your neighborhood. Would you have two minutes to hear "
                "how we could help with your property at {address}? If now is not a good time, "
                "when may I call back?",
            ),
            "voicemail": (
                "voicemail",
                "Hello {owner_first_name}, this is {business_name} calling about your property "
                "at {address}. We provide %(pitch)s. Please call us back at your convenience. "
                "Thank you.",
            ),
        },
        "friendly": {
            "sms": (
                "first text",
                "Hi {owner_first_name}! {business_name} here. We do %(pitch)s right around "
                "{address}. Want me to send over a quick quote? Reply STOP to opt out.",
            ),
            "email": (
                "introduction e-mail",
                "Subject: Hi from {business_name}\n\nHi {owner_first_name},\n\nWe're "
                "{business_name}, your neighbors for %(pitch)s. If you'd like, we can stop by "
                "{address} and give you a free quote, no strings attached.\n\nTalk soon,\n"
                "{business_name}",
            ),
            "cold_call": (
                "call script",
                "Hi, is this {owner_first_name}? Great! It's {business_name}. We do %(pitch)s "
                "near {address}, and I wanted to see if we could make life a little easier for "
                "you. Got a minute?",
            ),
            "voicemail": (
                "voicemail",
                "Hi {owner_first_name}, it's {business_name}! Just calling about {address}: we "
                "do %(pitch)s and would love to help. Give us a call back whenever works. "
                "Thanks!",
            ),
        },
    },
    "es": {
        "professional": {
            "sms": (
                "primer mensaje",
                "Buenos días, {owner_first_name}. Le escribe {business_name}. Ofrecemos "
                "%(pitch)s para casas como la suya en {address}. ¿Le puedo enviar información? "
                "Responda ALTO para no recibir más mensajes.",
            ),
            "email": (
                "correo de presentación",
                "Subject: Sobre su propiedad en {address}\n\nEstimado(a) {owner_first_name}:\n\n"
                "Le escribo de {business_name}. Ofrecemos %(pitch)s y con gusto le preparamos "
                "un estimado por escrito, sin compromiso, para su propiedad en {address}.\n\n"
                "Atentamente,\n{business_name}",
            ),
            "cold_call": (
                "guion de llamada",
                "Buenos días, ¿podría hablar con {owner_first_name}? Le habla {business_name}. "
                "Ofrecemos %(pitch)s en su vecindario. ¿Tendría dos minutos para contarle cómo "
                "podemos ayudarle con su propiedad en {address}? Si no es buen momento, ¿cuándo "
                "le puedo llamar?",
            ),
            "voicemail": (
                "mensaje de voz",
                "Buenos días, {owner_first_name}. Le llama {business_name} sobre su propiedad en "
                "{address}. Ofrecemos %(pitch)s. Por favor, devuélvanos la llamada cuando le "
                "sea conveniente. Muchas gracias.",
            ),
        },
        "friendly": {
            "sms": (
                "primer mensaje",
                "¡Hola, {owner_first_name}! Le saluda {business_name}. Hacemos %(pitch)s cerca "
                "de {address}. ¿Le mando una cotización rápida? Responda ALTO para no recibir "
                "más mensajes.",
            ),
            "email": (
                "correo de presentación",
                "Subject: Un saludo de {business_name}\n\nHola, {owner_first_name}:\n\nSomos "
                "{business_name}, sus vecinos para %(pitch)s. Si gusta, pasamos por {address} y "
                "le damos una cotización gratis, sin compromiso.\n\nUn saludo,\n{business_name}",
            ),
            "cold_call": (
                "guion de llamada",
                "Hola, ¿hablo con {owner_first_name}? ¡Qué bien! Le habla {business_name}. "
                "Hacemos %(pitch)s cerca de {address} y quería ver si le podemos facilitar las "
                "cosas. ¿Tiene un minutito?",
            ),
            "voicemail": (
                "mensaje de voz",
                "¡Hola, {owner_first_name}! Le habla {business_name}. Le llamo por {address}: "
                "hacemos %(pitch)s y nos encantaría ayudarle. Llámenos cuando pueda. ¡Gracias!",
            ),
        },
    },
}

# language -> voice -> template type -> (name suffix, content with %(pitch)s)
_TEMPLATE_TEXT: Final[dict[str, dict[str, dict[str, tuple[str, str]]]]] = {
    "en": {
        "professional": {
            "intro": (
                "AI intro call",
                "Good morning, may I speak with {{owner_first_name}}? This is {{agent_name}} "
                "with {{business_name}}. We provide %(pitch)s in {{city}}. Would you like a "
                "free estimate for {{address}}?",
            ),
            "voicemail": (
                "AI voicemail",
                "Hello {{owner_first_name}}, this is {{agent_name}} with {{business_name}}, "
                "about your property at {{address}}. Please call us back at "
                "{{callback_number}}. Thank you.",
            ),
        },
        "friendly": {
            "intro": (
                "AI intro call",
                "Hi {{owner_first_name}}! It's {{agent_name}} from {{business_name}}. We do "
                "%(pitch)s all over {{city}}. Can we swing by {{address}} for a free quote?",
            ),
            "voicemail": (
                "AI voicemail",
                "Hi {{owner_first_name}}, {{agent_name}} from {{business_name}} here, about "
                "{{address}}. Call me back at {{callback_number}} whenever works. Thanks!",
            ),
        },
    },
    "es": {
        "professional": {
            "intro": (
                "llamada IA de presentación",
                "Buenos días, ¿podría hablar con {{owner_first_name}}? Le habla {{agent_name}} "
                "de {{business_name}}. Ofrecemos %(pitch)s en {{city}}. ¿Le gustaría un "
                "estimado gratis para {{address}}?",
            ),
            "voicemail": (
                "mensaje de voz IA",
                "Buenos días, {{owner_first_name}}. Le habla {{agent_name}} de {{business_name}} "
                "sobre su propiedad en {{address}}. Por favor, llámenos al {{callback_number}}. "
                "Muchas gracias.",
            ),
        },
        "friendly": {
            "intro": (
                "llamada IA de presentación",
                "¡Hola, {{owner_first_name}}! Le habla {{agent_name}} de {{business_name}}. "
                "Hacemos %(pitch)s en todo {{city}}. ¿Pasamos por {{address}} para darle una "
                "cotización gratis?",
            ),
            "voicemail": (
                "mensaje de voz IA",
                "¡Hola, {{owner_first_name}}! Le habla {{agent_name}} de {{business_name}} por "
                "{{address}}. Llámeme al {{callback_number}} cuando pueda. ¡Gracias!",
            ),
        },
    },
}

_DOUBLE_BRACED = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def _scripts_of(trade: str, language: str) -> tuple[StarterScript, ...]:
    pitch, short = _PITCH[trade][language]
    return tuple(
        StarterScript(kind, f"{short}: {suffix}", text % {"pitch": pitch}, voice)
        for voice, kinds in _SCRIPT_TEXT[language].items()
        for kind, (suffix, text) in kinds.items()
    )


def _templates_of(trade: str, language: str) -> tuple[StarterTemplate, ...]:
    pitch, short = _PITCH[trade][language]
    made = []
    for voice, kinds in _TEMPLATE_TEXT[language].items():
        for kind, (suffix, text) in kinds.items():
            content = text % {"pitch": pitch}
            names = tuple(dict.fromkeys(_DOUBLE_BRACED.findall(content)))
            made.append(StarterTemplate(kind, f"{short}: {suffix}", content, names, voice))
    return tuple(made)


for _trade, _sets in STARTERS.items():
    for _language, _chosen in list(_sets.items()):
        _sets[_language] = replace(
            _chosen,
            scripts=_chosen.scripts + _scripts_of(_trade, _language),
            templates=_chosen.templates + _templates_of(_trade, _language),
        )


_Voiced = TypeVar("_Voiced", StarterScript, StarterTemplate)


def in_voice(items: tuple[_Voiced, ...], voice: str | None) -> tuple[_Voiced, ...]:
    """The items written in ``voice``, or the professional ones when none is."""
    chosen = tuple(item for item in items if item.voice == voice)
    return chosen or tuple(item for item in items if item.voice == DEFAULT_VOICE)
