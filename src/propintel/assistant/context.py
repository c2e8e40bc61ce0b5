"""What the assistant is given for one question, gathered by our code, never by the model.

The context is fetched from the asking subscriber's own rows only (``user_id`` filters every
query): the knowledge-base passages and active scripts that share words with the question, the
business profile (name, trade, brand voice), and one saved lead — the conversation's lead, or the
lead whose street address the question names — with its facts, its score breakdown and evidence,
its pipeline status and notes. Nothing written inside an entry, a script or a property field can
change WHICH rows are fetched: those texts are read after the choice is made, and the prompt
hands them to the model as data (``prompt.py``). ``recorded()`` is what ``context_used`` stores.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import knowledge, retrieval
from propintel.assistant.scripts import ScriptType, active_scripts
from propintel.assistant.scripts import script as script_row
from propintel.auth.models import User
from propintel.kit.errors import DomainError
from propintel.leads import service as leads
from propintel.profiles import service as profiles
from propintel.search import service as search

KNOWLEDGE_PASSAGES = 3
RELEVANT_SCRIPTS = 2
ENTRY_CHARS = 1_200  # of one knowledge entry or script given to the model
NOTE_CHARS = 300
NOTES = 5
REASONS = 8
EVIDENCE_PER_REASON = 3

LEAD_FACTS = (
    "full_address", "city", "zip_code", "property_type", "bedrooms", "bathrooms", "square_feet",
    "lot_size_sqft", "year_built", "pool", "owner_name", "mailing_address", "out_of_state_owner",
    "market_value", "last_sale_price", "last_sale_date", "days_since_sale", "is_new_homeowner",
    "estimated_equity", "distressed_score", "new_homeowner_score", "has_tax_lien",
    "has_code_violation", "is_pre_foreclosure", "is_foreclosure", "is_vacant", "is_probate",
    "is_divorce",
)  # fmt: skip

# A request to write something, and what it is: the first kind whose words appear wins (a
# voicemail before a text: "mensaje de voz" contains "mensaje").
_WRITE = re.compile(
    r"\b(write|draft|compose|create|prepare|give me|make|escrib\w*|redact\w*|prepar\w*|crea\w*|"
    r"haz|hazme|dame)\b",
    re.IGNORECASE,
)
_DRAFT_KINDS: tuple[tuple[ScriptType, re.Pattern[str]], ...] = (
    (ScriptType.VOICEMAIL, re.compile(r"voice ?mail|buz[oó]n|mensaje de voz", re.I)),
    (ScriptType.EMAIL, re.compile(r"\be-?mails?\b|\bcorreo", re.I)),
    (ScriptType.SMS, re.compile(r"\b(texts?|sms|mensajes?( de texto)?|whatsapp)\b", re.I)),
    (ScriptType.COLD_CALL, re.compile(r"\b(call|calls|phone script|llamada|llamar)\b", re.I)),
)
_SPANISH_ASKED = re.compile(r"\b(spanish|español|espanol|castellano)\b", re.IGNORECASE)
_ENGLISH_ASKED = re.compile(r"\b(in english|en inglés|en ingles)\b", re.IGNORECASE)
_SPANISH_WORDS = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "de",
        "del",
        "que",
        "para",
        "por",
        "con",
        "sobre",
        "una",
        "un",
        "y",
        "es",
        "al",
        "este",
        "esta",
        "nuevo",
        "nueva",
        "dueño",
        "propietario",
        "casa",
        "escribe",
        "escriba",
        "qué",
        "cómo",
        "cuál",
        "hola",
    ]
)


def question_language(question: str) -> str:
    """ "es" when the question asks for Spanish or is written in it, else "en"."""
    if _ENGLISH_ASKED.search(question):
        return "en"
    if _SPANISH_ASKED.search(question):
        return "es"
    words = re.findall(r"\w+", question.lower())
    return "es" if sum(word in _SPANISH_WORDS for word in words) >= 3 else "en"


def draft_type_of(question: str) -> str | None:
    """The script type the question asks to be written ("write a first text…" → sms), or None
    for any other question."""
    if not _WRITE.search(question):
        return None
    return next((kind.value for kind, words in _DRAFT_KINDS if words.search(question)), None)


@dataclass(frozen=True)
class Source:
    """A knowledge entry or script given to the model."""

    kind: str  # "knowledge" | "script"
    id: uuid.UUID
    title: str
    content: str
    script_type: str | None = None


@dataclass(frozen=True)
class LeadContext:
    lead_id: uuid.UUID
    property_id: uuid.UUID
    found_by: str  # "conversation" | "question"
    status: str
    facts: dict[str, Any]
    reasons: list[dict[str, Any]]
    notes: list[str]

    @property
    def address(self) -> str:
        return str(self.facts.get("full_address") or "")

    @property
    def owner_name(self) -> str | None:
        value = self.facts.get("owner_name")
        return str(value) if value else None


@dataclass(frozen=True)
class ChatContext:
    question: str
    language: str
    draft_type: str | None
    business_name: str | None
    business_type: str | None
    brand_voice: str
    services: list[str]
    sources: list[Source] = field(default_factory=list)
    lead: LeadContext | None = None

    @property
    def knowledge(self) -> list[Source]:
        return [source for source in self.sources if source.kind == "knowledge"]

    @property
    def scripts(self) -> list[Source]:
        return [source for source in self.sources if source.kind == "script"]

    def recorded(self) -> dict[str, Any]:
        """What ``conversation_history.context_used`` keeps of it: the passages, scripts and lead
        data as the model was given them (an entry edited later does not rewrite the record)."""
        lead = self.lead
        return {
            "language": self.language,
            "draft_type": self.draft_type,
            "business": {"name": self.business_name, "voice": self.brand_voice},
            "knowledge": [
                {"id": str(s.id), "title": s.title, "content": s.content} for s in self.knowledge
            ],
            "scripts": [
                {"id": str(s.id), "name": s.title, "type": s.script_type, "content": s.content}
                for s in self.scripts
            ],
            "lead": None
            if lead is None
            else {
                "lead_id": str(lead.lead_id),
                "property_id": str(lead.property_id),
                "found_by": lead.found_by,
                "status": lead.status,
                "facts": lead.facts,
                "reasons": lead.reasons,
                "notes": lead.notes,
            },
        }


async def gather(
    session: AsyncSession,
    user: User,
    question: str,
    *,
    lead_id: uuid.UUID | None,
    new_homeowner_days: int,
) -> ChatContext:
    """The context of ``question`` for ``user``: ``lead_id`` is the conversation's lead (already
    checked to be the user's), else the lead the question names, if any."""
    profile = await profiles.subscriber_profile(session, user)
    draft_type = draft_type_of(question)
    found_by = "conversation"
    if lead_id is None:
        lead_id, found_by = await leads.lead_named_in(session, user.user_id, question), "question"
    lead = (
        await _lead(session, user, lead_id, found_by, new_homeowner_days)
        if lead_id is not None
        else None
    )
    return ChatContext(
        question=question,
        language=question_language(question),
        draft_type=draft_type,
        business_name=profile.business_name,
        business_type=profile.business_type,
        brand_voice=profile.brand_voice or "professional",
        services=list(profile.services_offered or []),
        sources=await _sources(session, user.user_id, question, draft_type),
        lead=lead,
    )


async def _sources(
    session: AsyncSession, user_id: uuid.UUID, question: str, draft_type: str | None
) -> list[Source]:
    """The best knowledge passages, then the relevant scripts: those matching the question's
    words, and for a draft the subscriber's most used active scripts of its type."""
    found = await retrieval.search_any(
        session, user_id, question, limit=KNOWLEDGE_PASSAGES, kinds=("knowledge",)
    )
    sources: list[Source] = []
    for passage in found:
        entry = await knowledge.entry(session, user_id, passage.id)
        sources.append(Source("knowledge", entry.kb_id, entry.title, _cut(entry.content)))
    script_ids: list[uuid.UUID] = []
    if draft_type is not None:
        typed = await active_scripts(session, user_id, draft_type, most_used_first=True, limit=2)
        script_ids += [ref.script_id for ref in typed]
    matching = await retrieval.search_any(
        session, user_id, question, limit=RELEVANT_SCRIPTS, kinds=("script",)
    )
    script_ids += [p.id for p in matching if p.id not in script_ids]
    for script_id in script_ids[:RELEVANT_SCRIPTS]:
        row = await script_row(session, user_id, script_id)
        sources.append(
            Source(
                "script", row.script_id, row.script_name, _cut(row.script_content), row.script_type
            )
        )
    return sources


async def _lead(
    session: AsyncSession,
    user: User,
    lead_id: uuid.UUID,
    found_by: str,
    new_homeowner_days: int,
) -> LeadContext:
    detail = await leads.lead_detail(session, user.user_id, lead_id)
    notes = leads.lead_notes(detail)[:NOTES]
    return LeadContext(
        lead_id=detail.lead.lead_id,
        property_id=detail.lead.property_id,
        found_by=found_by,
        status=detail.lead.status,
        facts={name: _plain(detail.property.get(name)) for name in LEAD_FACTS},
        reasons=await _reasons(session, user, detail.lead.property_id, new_homeowner_days),
        notes=[_cut(note, NOTE_CHARS) for note in notes],
    )


async def _reasons(
    session: AsyncSession, user: User, property_id: uuid.UUID, new_homeowner_days: int
) -> list[dict[str, Any]]:
    """The score breakdown the subscriber's plan shows, with each reason's evidence; none when
    the property is no longer in the plan (the lead page says so too)."""
    try:
        explained = await search.explain(session, user, property_id, new_homeowner_days)
    except DomainError:
        return []
    reasons = []
    for item in explained.indicators[:REASONS]:
        evidence = []
        for found in item.evidence[:EVIDENCE_PER_REASON]:
            fields = "; ".join(f"{f.label}: {f.value}" for f in found.fields)
            dated = f" ({found.date.isoformat()})" if found.date else ""
            evidence.append(f"{found.source_label} {found.reference}{dated}. {fields}".strip())
        reasons.append(
            {
                "indicator": item.name,
                "label": item.label,
                "points": item.scored_weight or item.weight or 0,
                "intent": item.intent_type,
                "evidence": evidence,
            }
        )
    return reasons


def _cut(text: str, limit: int = ENTRY_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plain(value: Any) -> Any:
    """A fact as JSON keeps it (``context_used`` is JSONB)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
