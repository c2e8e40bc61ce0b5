"""The offline assistant: what answers when no chat model is configured (no Together key), in
development, demos and tests. It is honest about it: no model is called, each answer is composed
by this code from the same context a model would get, the page labels every such answer as the
offline assistant's, and an answer that is not a draft begins by saying so.

- A request to write something (``context.draft_type``) gets the subscriber's best active script
  of that type in the asked language, else a plain draft of our own, with the script variables
  ({owner_first_name}, {address}, {business_name}) left for outreach to fill.
- Any other question gets what the records say: the lead's facts and score reasons, then the
  knowledge-base passages.

Usage is counted like a model's (about four characters a token, ``estimated_tokens``), so the
chat is billed offline exactly as it would be online.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Sequence
from typing import Any

from propintel.assistant.context import ChatContext, LeadContext, question_language
from propintel.integrations.chat import ChatEvent, ChatMessage, TextDelta, Usage, estimated_tokens

MODEL = "offline"
WORDS_PER_DELTA = 3

# Topic words of a question → how a draft names the service, in English and Spanish.
TOPICS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"pool|piscina|alberca", re.I), "your pool", "su piscina"),
    (re.compile(r"lawn|yard|garden|c[eé]sped|jard[ií]n", re.I), "your lawn", "su jardín"),
    (
        re.compile(r"hvac|a/c|\bac\b|air|cooling|aire", re.I),
        "your air conditioning",
        "su aire acondicionado",
    ),
    (re.compile(r"roof|techo", re.I), "your roof", "su techo"),
    (
        re.compile(r"sell|offer|cash|buy|vender|oferta|comprar", re.I),
        "an offer on your property",
        "una oferta por su propiedad",
    ),
)
GENERIC_TOPIC = {"en": "your home", "es": "su casa"}

DRAFTS: dict[tuple[str, str], str] = {
    ("sms", "en"): "Hi {{owner_first_name}}, this is {{business_name}}. {opening} If you need help "
    "with {topic}, we'd be glad to give you a free quote. Reply STOP to opt out.",
    ("sms", "es"): "Hola {{owner_first_name}}, le saluda {{business_name}}. {opening} Si necesita "
    "ayuda con {topic}, con gusto le damos una cotización gratis. Responda STOP para no recibir "
    "más mensajes.",
    ("email", "en"): "Subject: {topic_title} at {{address}}\n\nHi {{owner_first_name}},\n\n"
    "{opening} We're {{business_name}}, and we help homeowners nearby with {topic}. If you'd like "
    "a free quote, just reply to this e-mail.\n\nBest regards,\n{{business_name}}",
    ("email", "es"): "Asunto: {topic_title} en {{address}}\n\nHola {{owner_first_name}}:\n\n"
    "{opening} Somos {{business_name}} y ayudamos a los propietarios de la zona con {topic}. Si "
    "desea una cotización gratis, responda a este correo.\n\nSaludos cordiales,\n{{business_name}}",
    ("cold_call", "en"): "Hi, is this {{owner_first_name}}? This is {{business_name}}. {opening} "
    "We help homeowners nearby with {topic}. Would you like a free quote this week?\n"
    "If not interested: Thank you for your time, have a great day.",
    ("cold_call", "es"): "Hola, ¿hablo con {{owner_first_name}}? Le llama {{business_name}}. "
    "{opening} Ayudamos a los propietarios de la zona con {topic}. ¿Le gustaría una cotización "
    "gratis esta semana?\nSi no le interesa: Gracias por su tiempo, que tenga un buen día.",
    ("voicemail", "en"): "Hi {{owner_first_name}}, this is {{business_name}}. {opening} We help "
    "homeowners nearby with {topic}. Call us back when it suits you. Thank you!",
    ("voicemail", "es"): "Hola {{owner_first_name}}, le habla {{business_name}}. {opening} "
    "Ayudamos a los propietarios de la zona con {topic}. Llámenos cuando le convenga. ¡Gracias!",
}
OPENINGS = {
    ("new", "en"): "Welcome to {address}!",
    ("new", "es"): "¡Bienvenido a {address}!",
    ("other", "en"): "I'm reaching out about your property at {address}.",
    ("other", "es"): "Le escribo sobre su propiedad en {address}.",
}
WORDS = {
    "en": {
        "intro": "Offline assistant: no AI model is connected, so this answer is put together "
        "from your own records.",
        "lead": "About {address} (pipeline: {status})",
        "owner": "Owner of record",
        "value": "Market value",
        "sale": "Last sale",
        "reasons": "Why it scores",
        "points": "points",
        "notes": "Your latest note",
        "knowledge": "From your knowledge base",
        "nothing": "Nothing in your knowledge base matches this question. Add entries on the "
        "Knowledge base page, or open the chat from a lead to ask about it.",
    },
    "es": {
        "intro": "Asistente sin conexión: no hay un modelo de IA conectado, así que esta "
        "respuesta se compone con sus propios registros.",
        "lead": "Sobre {address} (etapa: {status})",
        "owner": "Propietario registrado",
        "value": "Valor de mercado",
        "sale": "Última venta",
        "reasons": "Por qué puntúa",
        "points": "puntos",
        "notes": "Su última nota",
        "knowledge": "De su base de conocimiento",
        "nothing": "Nada en su base de conocimiento coincide con la pregunta. Añada entradas en "
        "la página Base de conocimiento, o abra el chat desde un lead para preguntar por él.",
    },
}


def _topic(context: ChatContext) -> str:
    """The service a draft offers: named in the question, else the business's trade."""
    spanish = context.language == "es"
    for words in (context.question, " ".join([*context.services, context.business_type or ""])):
        for pattern, english_name, spanish_name in TOPICS:
            if pattern.search(words):
                return spanish_name if spanish else english_name
    return GENERIC_TOPIC[context.language]


def _is_new_homeowner(context: ChatContext) -> bool:
    asked = re.search(
        r"new (home)?owner|just (moved|bought)|nuevo propietario", context.question, re.I
    )
    return bool(asked or (context.lead and context.lead.facts.get("is_new_homeowner")))


def draft(context: ChatContext) -> str:
    """The subscriber's best active script of the asked type in the asked language (the most
    used first, as ``context.scripts`` holds them), else our plain draft."""
    kind, language = context.draft_type or "sms", context.language
    for script in context.scripts:
        if script.script_type == kind and question_language(script.content) == language:
            return script.content
    opening_kind = "new" if _is_new_homeowner(context) else "other"
    opening = OPENINGS[(opening_kind, language)].format(address="{address}")
    topic = _topic(context)
    return DRAFTS[(kind, language)].format(
        opening=opening, topic=topic, topic_title=topic[0].upper() + topic[1:]
    )


def _money(value: Any) -> str:
    return f"${value:,.0f}" if isinstance(value, int | float) else "—"


def _lead_lines(lead: LeadContext, words: dict[str, str]) -> list[str]:
    facts = lead.facts
    lines = [words["lead"].format(address=lead.address, status=lead.status)]
    if lead.owner_name:
        lines.append(f"- {words['owner']}: {lead.owner_name}")
    lines.append(f"- {words['value']}: {_money(facts.get('market_value'))}")
    if facts.get("last_sale_date"):
        sale = f"{_money(facts.get('last_sale_price'))} ({facts['last_sale_date']})"
        lines.append(f"- {words['sale']}: {sale}")
    if lead.reasons:
        lines.append(f"{words['reasons']}:")
        for reason in lead.reasons[:3]:
            evidence = f" — {reason['evidence'][0]}" if reason["evidence"] else ""
            lines.append(f"- {reason['label']} (+{reason['points']} {words['points']}){evidence}")
    if lead.notes:
        lines.append(f"{words['notes']}: {lead.notes[0]}")
    return lines


def answer(context: ChatContext) -> str:
    """What the records say about the question (not a draft)."""
    words = WORDS[context.language]
    lines = [words["intro"], ""]
    if context.lead is not None:
        lines += [*_lead_lines(context.lead, words), ""]
    if context.knowledge:
        lines.append(f"{words['knowledge']}:")
        lines += [f"- {source.title}: {source.content[:400]}" for source in context.knowledge]
    elif context.lead is None:
        lines.append(words["nothing"])
    return "\n".join(lines).strip()


class OfflineAssistant:
    """The ``ChatModel`` of an installation without a chat provider."""

    provider = "offline"
    model = MODEL

    def __init__(self, context: ChatContext, delay: float = 0.02) -> None:
        self.context = context
        self.delay = delay  # between deltas, so the page streams as it would online

    async def stream(
        self, messages: Sequence[ChatMessage], max_tokens: int
    ) -> AsyncIterator[ChatEvent]:
        text = draft(self.context) if self.context.draft_type else answer(self.context)
        text = text[: max_tokens * 4]
        words = re.findall(r"\S+\s*", text)
        for start in range(0, len(words), WORDS_PER_DELTA):
            yield TextDelta("".join(words[start : start + WORDS_PER_DELTA]))
            await asyncio.sleep(self.delay)
        prompt = sum(estimated_tokens(message.content) for message in messages)
        yield Usage(prompt, estimated_tokens(text), reported=False)
