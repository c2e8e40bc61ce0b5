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

from dataclasses import dataclass, field
from typing import Final

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


@dataclass(frozen=True)
class StarterTemplate:
    """An AI call template to copy; ``variables`` are the ``{{names}}`` its content uses."""

    template_type: str
    template_name: str
    template_content: str
    variables: tuple[str, ...] = ()


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
