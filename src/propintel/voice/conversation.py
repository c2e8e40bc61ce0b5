"""What the AI caller understands and decides, turn by turn (pure: no database, no provider).

Speech arrives as text (Twilio's ``SpeechResult``). ``intent_of`` reads it in English or Spanish
with word lists, in order of what matters most: an opt-out is recognised before anything else (it
must be honoured even inside "no, stop calling me"), then a wrong number, a refusal, a request to be
called back, a time for a visit, yes, no, a question. ``decide`` turns the intent and the call's
stage into what happens next: say a closing line and end with an outcome, answer a question (the
caller asks the assistant), offer a visit slot, or ask again. The words said are chosen by
``voice/calls_flow.py`` in the call's language.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from propintel.kit.i18n import N_, _


class Outcome(enum.StrEnum):
    INTERESTED = "interested"
    NOT_INTERESTED = "not_interested"
    CALLBACK = "callback"
    APPOINTMENT = "appointment"
    VOICEMAIL = "voicemail"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"
    OPTED_OUT = "opted_out"

    @property
    def label(self) -> str:
        return _(_OUTCOME_LABELS[self])


_OUTCOME_LABELS = {
    Outcome.INTERESTED: N_("Interested"),
    Outcome.NOT_INTERESTED: N_("Not interested"),
    Outcome.CALLBACK: N_("Call back"),
    Outcome.APPOINTMENT: N_("Appointment"),
    Outcome.VOICEMAIL: N_("Voicemail left"),
    Outcome.NO_ANSWER: N_("No answer"),
    Outcome.WRONG_NUMBER: N_("Wrong number"),
    Outcome.OPTED_OUT: N_("Opted out"),
}


def outcome_label(value: str | None) -> str:
    if value is not None and value in Outcome._value2member_map_:
        return Outcome(value).label
    return "—"


class Intent(enum.StrEnum):
    OPT_OUT = "opt_out"
    WRONG_NUMBER = "wrong_number"
    NOT_INTERESTED = "not_interested"
    CALLBACK = "callback"
    YES = "yes"
    NO = "no"
    QUESTION = "question"
    SILENCE = "silence"
    OTHER = "other"


# Phrases, without accents and in lower case (``_plain``), matched on word boundaries.
_PHRASES: tuple[tuple[Intent, tuple[str, ...]], ...] = (
    (
        Intent.OPT_OUT,
        (
            "stop calling",
            "do not call",
            "dont call",
            "don t call",
            "never call",
            "remove me",
            "take me off",
            "unsubscribe",
            "stop",
            "no me llame",
            "no me llamen",
            "no vuelva a llamar",
            "no vuelvan a llamar",
            "no llamen mas",
            "quiteme",
            "quitenme",
            "borreme",
        ),
    ),
    (
        Intent.WRONG_NUMBER,
        (
            "wrong number",
            "not the owner",
            "doesnt live here",
            "doesn t live here",
            "does not live here",
            "no one by that name",
            "numero equivocado",
            "se equivoco de numero",
            "no soy el dueno",
            "no soy la duena",
            "no vive aqui",
        ),
    ),
    (
        Intent.NOT_INTERESTED,
        (
            "not interested",
            "no thanks",
            "no thank you",
            "no thank",
            "not for me",
            "no me interesa",
            "no estoy interesado",
            "no estoy interesada",
            "no gracias",
        ),
    ),
    (
        Intent.CALLBACK,
        (
            "call me back",
            "call back",
            "call me later",
            "call later",
            "not a good time",
            "im busy",
            "i m busy",
            "busy right now",
            "callback",
            "llameme mas tarde",
            "llameme luego",
            "llamenme",
            "mas tarde",
            "ahora no puedo",
            "estoy ocupado",
            "estoy ocupada",
        ),
    ),
    (
        Intent.YES,
        (
            "yes",
            "yeah",
            "yep",
            "sure",
            "ok",
            "okay",
            "of course",
            "sounds good",
            "that works",
            "works for me",
            "interested",
            "id like",
            "i d like",
            "i would like",
            "please",
            "si",
            "claro",
            "por supuesto",
            "me interesa",
            "esta bien",
            "de acuerdo",
            "perfecto",
            "bueno",
            "dale",
        ),
    ),
    (Intent.NO, ("no", "nope", "not really", "nah")),
)
# Said first, these decline whatever follows ("No, I'm okay"); said anywhere, the others agree
# even when they sound like questions ("¡Cómo no!", "cuando quiera").
_NO_OPENINGS = ("no", "nope", "nah", "not really", "im not", "i m not")
_YES_IDIOMS = ("como no", "cuando quiera", "whatever works", "whenever you want")
_QUESTION_WORDS = (
    "what",
    "how",
    "when",
    "where",
    "who",
    "why",
    "which",
    "do you",
    "can you",
    "are you",
    "is it",
    "does it",
    "que",
    "como",
    "cuando",
    "donde",
    "cuanto",
    "cuanta",
    "quien",
    "por que",
    "puede",
    "pueden",
    "tienen",
)


def _plain(text: str) -> str:
    """Lower case, accents off, punctuation as spaces (a.m. -> a m), one space between words."""
    folded = unicodedata.normalize("NFKD", text.lower())
    letters = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9:]+", " ", letters).split())


def _has(plain: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", plain) is not None


def intent_of(speech: str | None) -> Intent:
    plain = _plain(speech or "")
    if not plain:
        return Intent.SILENCE
    for intent, phrases in _PHRASES[:4]:  # opt-out, wrong number, refusal, call back
        if any(_has(plain, phrase) for phrase in phrases):
            return intent
    if any(_has(plain, idiom) for idiom in _YES_IDIOMS):
        return Intent.YES
    if "?" in (speech or "") or any(_starts_with(plain, word) for word in _QUESTION_WORDS):
        return Intent.QUESTION
    if any(_starts_with(plain, opening) for opening in _NO_OPENINGS):
        return Intent.NO
    for intent, phrases in _PHRASES[4:]:  # yes, then no
        if any(_has(plain, phrase) for phrase in phrases):
            return intent
    return Intent.OTHER


def _starts_with(plain: str, phrase: str) -> bool:
    return plain == phrase or plain.startswith(phrase + " ")


# --- times ----------------------------------------------------------------------------------------
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "lunes": 0,
    "martes": 1,
    "miercoles": 2,
    "jueves": 3,
    "viernes": 4,
    "sabado": 5,
    "domingo": 6,
}
_CLOCK = re.compile(
    r"(?:(at|a las|a la|las|around|by|about)\s+)?(?<![0-9])(\d{1,2})(?::(\d{2}))?"
    r"(?:\s*(a\s?m|p\s?m)(?![a-z]))?(?![0-9])(\s+o\s?clock|\s+en punto)?"
)
_EVENING = (
    "de la tarde",
    "in the afternoon",
    "de la noche",
    "tonight",
    "in the evening",
    "at night",
)
OPENING_HOUR, CLOSING_HOUR = 8, 19  # visits are booked between 8:00 and 19:00
SLOT_HOUR = 10


def _day(plain: str, now: datetime) -> datetime | None:
    if _has(plain, "tomorrow") or _has(plain.replace("de la manana", ""), "manana"):
        return now + timedelta(days=1)
    if _has(plain, "today") or _has(plain, "hoy") or _has(plain, "this afternoon"):
        return now
    for name, weekday in _WEEKDAYS.items():
        if _has(plain, name):
            ahead = (weekday - now.weekday()) % 7 or 7
            return now + timedelta(days=ahead)
    return None


def _clock(plain: str) -> time | None:
    if _has(plain, "noon") or _has(plain, "mediodia"):
        return time(12, 0)
    for match in _CLOCK.finditer(plain):
        lead, hour_text, minute_text, meridiem, suffix = match.groups()
        # A number is a time only when said as one: "at 3", "3:30", "3 pm", "3 o'clock".
        if lead or minute_text or meridiem or suffix:
            return _time_of(plain, int(hour_text), int(minute_text or 0), meridiem or "")
    return None


def _time_of(plain: str, hour: int, minute: int, meridiem: str) -> time | None:
    meridiem = meridiem.replace(" ", "")
    afternoon = meridiem == "pm" or any(_has(plain, words) for words in _EVENING)
    morning = meridiem == "am" or _has(plain, "de la manana") or _has(plain, "in the morning")
    if hour > 23 or minute > 59:
        return None
    if morning and hour == 12:  # 12 a.m.: midnight
        hour = 0
    # "at 3" without a.m. or p.m.: a visit at 3 in the afternoon, not in the night.
    if (afternoon and hour < 12) or (not morning and 1 <= hour <= 7):
        hour += 12
    return time(hour, minute)


def proposed_time(speech: str | None, now: datetime) -> datetime | None:
    """The visit time the person named ("tomorrow at 3 pm", "el martes a las 10"), if it is a time
    in the future within visiting hours; a day alone means 10:00, a time alone today (tomorrow
    when it has passed)."""
    plain = _plain(speech or "")
    day, clock = _day(plain, now), _clock(plain)
    if day is None and clock is None:
        return None
    clock = clock or time(SLOT_HOUR)
    moment = datetime.combine((day or now).date(), clock)
    if day is None and moment <= now:
        moment += timedelta(days=1)
    if moment <= now or not OPENING_HOUR <= moment.hour < CLOSING_HOUR:
        return None
    return moment


def next_slot(now: datetime) -> datetime:
    """The visit the caller offers: the next weekday at 10:00."""
    day = now.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(SLOT_HOUR))


# --- deciding ------------------------------------------------------------------------------------
class Stage(enum.StrEnum):
    PITCHED = "pitched"  # outbound: the template was said; waiting for interest
    OFFERED = "offered"  # outbound: a visit slot was offered
    GREETED = "greeted"  # inbound: "how can I help you?"
    MESSAGE = "message"  # inbound: waiting for the caller's message


class Step(enum.StrEnum):
    END = "end"  # say the closing line of ``outcome`` and hang up
    ANSWER = "answer"  # answer the question through the assistant, then ask again
    OFFER = "offer"  # offer ``slot`` for a visit
    TAKE_MESSAGE = "take_message"  # ask for the message
    ASK_AGAIN = "ask_again"  # nothing heard: "are you still there?"


@dataclass(frozen=True)
class Decision:
    step: Step
    outcome: Outcome | None = None
    slot: datetime | None = None  # the visit offered, or booked (APPOINTMENT)
    message: str | None = None  # what an inbound caller asked us to pass on


def decide(
    speech: str | None,
    *,
    stage: Stage,
    offered: datetime | None,
    silences: int,
    answers: int,
    max_answers: int,
    now: datetime,
) -> Decision:
    """What to do with what the person just said (``silences``: times nothing was heard before;
    ``answers``: questions answered so far)."""
    intent = intent_of(speech)
    if intent is Intent.OPT_OUT:
        return Decision(Step.END, Outcome.OPTED_OUT)
    if intent is Intent.SILENCE:
        if silences >= 1:
            return Decision(Step.END, Outcome.NO_ANSWER if answers == 0 else Outcome.INTERESTED)
        return Decision(Step.ASK_AGAIN, slot=offered)
    if stage is Stage.MESSAGE:
        return Decision(Step.END, Outcome.CALLBACK, message=" ".join((speech or "").split()))
    if stage is Stage.GREETED:
        return _inbound(intent, answers, max_answers)
    return _outbound(intent, speech, offered, answers, max_answers, now)


def _inbound(intent: Intent, answers: int, max_answers: int) -> Decision:
    if intent in (Intent.CALLBACK, Intent.YES):
        return Decision(Step.TAKE_MESSAGE)
    if intent in (Intent.NO, Intent.NOT_INTERESTED, Intent.WRONG_NUMBER):
        return Decision(Step.END, Outcome.INTERESTED)
    if answers >= max_answers:
        return Decision(Step.TAKE_MESSAGE)
    return Decision(Step.ANSWER)


def _outbound(
    intent: Intent,
    speech: str | None,
    offered: datetime | None,
    answers: int,
    max_answers: int,
    now: datetime,
) -> Decision:
    if intent is Intent.WRONG_NUMBER:
        return Decision(Step.END, Outcome.WRONG_NUMBER)
    if intent is Intent.NOT_INTERESTED:
        return Decision(Step.END, Outcome.NOT_INTERESTED)
    if intent is Intent.CALLBACK:
        return Decision(Step.END, Outcome.CALLBACK)
    named = proposed_time(speech, now)
    # "No, not tomorrow" declines a day; "no, Friday at 3 is better" names another time.
    if named is not None and (intent is not Intent.NO or _clock(_plain(speech or ""))):
        return Decision(Step.END, Outcome.APPOINTMENT, slot=named)
    if intent is Intent.YES:
        if offered is not None:
            return Decision(Step.END, Outcome.APPOINTMENT, slot=offered)
        return Decision(Step.OFFER, slot=next_slot(now))
    if intent is Intent.NO:
        # No to a slot: interested, another time; no to the pitch: not interested.
        return Decision(Step.END, Outcome.INTERESTED if offered else Outcome.NOT_INTERESTED)
    if answers >= max_answers:
        return Decision(Step.END, Outcome.INTERESTED if offered else Outcome.CALLBACK)
    return Decision(Step.ANSWER, slot=offered)
