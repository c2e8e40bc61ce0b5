"""The AI caller's understanding and decisions (voice/conversation.py, pure): ``intent_of`` in
English and Spanish (accents, punctuation, case, precedence of opt-out over everything), question
detection, ``proposed_time`` with a fixed naive New York ``now`` (relative days, weekdays, Spanish
"de la tarde/de la mañana", a past time today moving to tomorrow, visiting hours), ``next_slot``
skipping weekends, and ``decide`` for every stage, step and outcome. Hypothesis checks that
``intent_of`` never raises and ``proposed_time`` never names a past time or one outside visiting
hours. Misreadings found once (a price that is "alto", "I have 2 questions") are kept as cases."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propintel.voice.conversation import (
    CLOSING_HOUR,
    OPENING_HOUR,
    SLOT_HOUR,
    Decision,
    Intent,
    Outcome,
    Stage,
    Step,
    decide,
    intent_of,
    next_slot,
    outcome_label,
    proposed_time,
)

# Wednesday 15 January 2025, 9:30 in the morning (naive, New York wall clock).
NOW = datetime(2025, 1, 15, 9, 30)
SLOT = datetime(2025, 1, 16, 10, 0)  # the slot offered from NOW: Thursday at 10:00


def test_fixed_now_is_a_wednesday() -> None:
    assert NOW.weekday() == 2


# --- intent_of -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("speech", "intent"),
    [
        # opt-out
        ("Stop calling me", Intent.OPT_OUT),
        ("No, STOP calling me!", Intent.OPT_OUT),
        ("Please do not call this number again", Intent.OPT_OUT),
        ("Don't call me", Intent.OPT_OUT),
        ("Dont call here", Intent.OPT_OUT),
        ("Never call me again.", Intent.OPT_OUT),
        ("Remove me from your list", Intent.OPT_OUT),
        ("Take me off your list", Intent.OPT_OUT),
        ("Unsubscribe", Intent.OPT_OUT),
        ("STOP", Intent.OPT_OUT),
        ("No me llame", Intent.OPT_OUT),
        ("¡No me llamen más!", Intent.OPT_OUT),
        ("No vuelva a llamar, por favor", Intent.OPT_OUT),
        ("No llamen más", Intent.OPT_OUT),
        ("Quíteme de su lista", Intent.OPT_OUT),
        ("Bórreme", Intent.OPT_OUT),
        # wrong number
        ("Wrong number", Intent.WRONG_NUMBER),
        ("Sorry, I'm not the owner", Intent.WRONG_NUMBER),
        ("He doesn't live here", Intent.WRONG_NUMBER),
        ("She does not live here anymore", Intent.WRONG_NUMBER),
        ("There's no one by that name", Intent.WRONG_NUMBER),
        ("Número equivocado", Intent.WRONG_NUMBER),
        ("Se equivocó de número", Intent.WRONG_NUMBER),
        ("No soy el dueño", Intent.WRONG_NUMBER),
        ("No soy la dueña", Intent.WRONG_NUMBER),
        ("Esa persona no vive aquí", Intent.WRONG_NUMBER),
        # refusal
        ("I'm not interested", Intent.NOT_INTERESTED),
        ("No thanks", Intent.NOT_INTERESTED),
        ("No, thank you.", Intent.NOT_INTERESTED),
        ("That's not for me", Intent.NOT_INTERESTED),
        ("No me interesa", Intent.NOT_INTERESTED),
        ("No estoy interesado", Intent.NOT_INTERESTED),
        ("No estoy interesada", Intent.NOT_INTERESTED),
        ("No, gracias", Intent.NOT_INTERESTED),
        # call back
        ("Can you call me back?", Intent.CALLBACK),
        ("Call me later", Intent.CALLBACK),
        ("It's not a good time", Intent.CALLBACK),
        ("I'm busy", Intent.CALLBACK),
        ("I'm busy right now", Intent.CALLBACK),
        ("Llámeme más tarde", Intent.CALLBACK),
        ("Llámeme luego", Intent.CALLBACK),
        ("Llámenme", Intent.CALLBACK),
        ("Ahora no puedo", Intent.CALLBACK),
        ("Estoy ocupado", Intent.CALLBACK),
        ("Estoy ocupada", Intent.CALLBACK),
        # yes
        ("Yes", Intent.YES),
        ("Yeah, sure", Intent.YES),
        ("yep", Intent.YES),
        ("OK", Intent.YES),
        ("Okay.", Intent.YES),
        ("Of course", Intent.YES),
        ("Sounds good", Intent.YES),
        ("That works", Intent.YES),
        ("Id like that", Intent.YES),
        ("I would like to know more", Intent.YES),
        ("Sí, claro", Intent.YES),
        ("SI", Intent.YES),
        ("Por supuesto", Intent.YES),
        ("Me interesa", Intent.YES),
        ("Está bien", Intent.YES),
        ("De acuerdo", Intent.YES),
        ("Perfecto", Intent.YES),
        ("Dale", Intent.YES),
        # no
        ("No", Intent.NO),
        ("No.", Intent.NO),
        ("Nope", Intent.NO),
        ("Not really", Intent.NO),
        ("nah", Intent.NO),
        # question
        ("What is this about?", Intent.QUESTION),
        ("How much would you pay", Intent.QUESTION),
        ("who are you", Intent.QUESTION),
        ("Are you a robot", Intent.QUESTION),
        ("¿Qué empresa es?", Intent.QUESTION),
        ("Cuánto me ofrecen", Intent.QUESTION),
        ("Por qué me llama", Intent.QUESTION),
        ("Sí?", Intent.QUESTION),
        # other
        ("The weather is nice", Intent.OTHER),
        ("Hmm", Intent.OTHER),
        ("12345", Intent.OTHER),
    ],
)
def test_intent_of(speech: str, intent: Intent) -> None:
    assert intent_of(speech) is intent


@pytest.mark.parametrize("speech", [None, "", "   ", "...", "¿?", "!!!", "—"])
def test_nothing_said_is_silence(speech: str | None) -> None:
    # "¿?" has a question mark but no words: still silence, not a question.
    assert intent_of(speech) is Intent.SILENCE


@pytest.mark.parametrize(
    "speech",
    [
        "No, stop calling me",
        "I'm not interested, stop calling me",
        "Wrong number, and don't call again",
        "Yes, remove me from your list",
        "Call me back? No, actually, never call me again",
        "No gracias, no me llame más",
        "Número equivocado, no vuelva a llamar",
    ],
)
def test_opt_out_wins_over_every_other_intent(speech: str) -> None:
    assert intent_of(speech) is Intent.OPT_OUT


def test_precedence_between_the_ordered_intents() -> None:
    # wrong number before refusal, refusal before call back, call back before a question and yes.
    assert intent_of("Wrong number, not interested") is Intent.WRONG_NUMBER
    assert intent_of("Not interested, call back never") is Intent.NOT_INTERESTED
    assert intent_of("Can you call me back later?") is Intent.CALLBACK
    assert intent_of("Yes but I'm busy") is Intent.CALLBACK
    # a refusal is not a plain no, and "not interested" is not the yes word "interested".
    assert intent_of("no thanks") is Intent.NOT_INTERESTED
    assert intent_of("not interested") is Intent.NOT_INTERESTED
    assert intent_of("interested") is Intent.YES
    # a question beats yes and no
    assert intent_of("Yes, what is the offer?") is Intent.QUESTION
    assert intent_of("No? why not") is Intent.QUESTION
    # yes is checked before no
    assert intent_of("Yes, no problem") is Intent.YES


@pytest.mark.parametrize(
    ("speech", "intent"),
    [
        ("stopper", Intent.OTHER),  # "stop" only as a word
        ("nobody", Intent.OTHER),  # "no" only as a word
        ("notably", Intent.OTHER),
        ("yesterday", Intent.OTHER),  # "yes" only as a word
        ("okra", Intent.OTHER),
        ("sino", Intent.OTHER),  # neither "si" nor "no"
        ("altos", Intent.OTHER),  # "alto" only as a word
    ],
)
def test_phrases_match_whole_words_only(speech: str, intent: Intent) -> None:
    assert intent_of(speech) is intent


def test_accents_case_and_punctuation_do_not_matter() -> None:
    assert intent_of("NÚMERO   EQUIVOCADO!!!") is Intent.WRONG_NUMBER
    assert intent_of("numero equivocado") is Intent.WRONG_NUMBER
    assert intent_of("LLÁMEME, MÁS TARDE") is Intent.CALLBACK
    assert intent_of("s-t-o-p") is Intent.OTHER  # letters apart are not the word
    assert intent_of("don’t call") is Intent.OPT_OUT  # typographic apostrophe


@pytest.mark.parametrize("speech", ["What?", "Really?", "hmm?", "¿De verdad?", "Yes?"])
def test_a_question_mark_makes_a_question(speech: str) -> None:
    assert intent_of(speech) is Intent.QUESTION


@pytest.mark.parametrize(
    "speech",
    [
        "what do you want",
        "when can you come",
        "where are you located",
        "which house",
        "do you buy houses",
        "can you repeat that",
        "is it a cash offer",
        "does it cost anything",
        "cómo funciona",
        "cuándo vienen",
        "dónde están",
        "quién habla",
        "puede repetir",
        "tienen oficina en Miami",
    ],
)
def test_a_leading_question_word_makes_a_question_without_a_mark(speech: str) -> None:
    assert intent_of(speech) is Intent.QUESTION


def test_a_question_word_later_in_the_sentence_is_not_a_question() -> None:
    assert intent_of("I know what you mean") is Intent.OTHER
    assert intent_of("sure, I know how it works") is Intent.YES


def test_i_would_like_with_an_apostrophe_is_a_yes() -> None:
    assert intent_of("I'd like that") is Intent.YES


def test_not_really_interested_is_not_a_yes() -> None:
    assert intent_of("I'm not really interested") is not Intent.YES


def test_no_im_okay_is_not_a_yes() -> None:
    assert intent_of("No, I'm okay, thanks") is not Intent.YES


def test_words_that_begin_like_question_words_are_not_questions() -> None:
    assert intent_of("¡Cómo no!") is Intent.YES  # "of course" in Spanish
    assert intent_of("Whatever works for me") is not Intent.QUESTION


def test_a_high_price_is_not_an_opt_out() -> None:
    assert intent_of("El precio está muy alto") is not Intent.OPT_OUT


@given(st.text())
def test_intent_of_never_raises(speech: str) -> None:
    assert isinstance(intent_of(speech), Intent)


@given(st.text(alphabet=st.sampled_from(" .,!¿¡-'\t\n")))
def test_intent_of_punctuation_only_is_silence(speech: str) -> None:
    assert intent_of(speech) is Intent.SILENCE


# --- proposed_time -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("speech", "expected"),
    [
        ("tomorrow at 3 pm", datetime(2025, 1, 16, 15, 0)),
        ("Tomorrow at 3 p.m.", datetime(2025, 1, 16, 15, 0)),
        ("tomorrow at 3", datetime(2025, 1, 16, 15, 0)),  # 1..7 without a.m.: the afternoon
        ("tomorrow at 11 am", datetime(2025, 1, 16, 11, 0)),
        ("tomorrow at 10:30", datetime(2025, 1, 16, 10, 30)),
        ("tomorrow at 2 in the afternoon", datetime(2025, 1, 16, 14, 0)),
        ("tomorrow at noon", datetime(2025, 1, 16, 12, 0)),
        ("Friday at 10", datetime(2025, 1, 17, 10, 0)),
        ("friday", datetime(2025, 1, 17, SLOT_HOUR, 0)),  # a day alone: 10:00
        ("tomorrow", datetime(2025, 1, 16, SLOT_HOUR, 0)),
        ("Monday at 4 pm", datetime(2025, 1, 20, 16, 0)),
        ("Wednesday at 11", datetime(2025, 1, 22, 11, 0)),  # today's weekday: next week
        ("Tuesday", datetime(2025, 1, 21, 10, 0)),
        ("mañana a las 3 de la tarde", datetime(2025, 1, 16, 15, 0)),
        ("Mañana a las 5", datetime(2025, 1, 16, 17, 0)),
        ("mañana por la mañana", datetime(2025, 1, 16, 10, 0)),
        ("mañana al mediodía", datetime(2025, 1, 16, 12, 0)),
        ("el martes a las 10 de la mañana", datetime(2025, 1, 21, 10, 0)),
        ("El jueves a las 4 de la tarde", datetime(2025, 1, 16, 16, 0)),
        ("el miércoles", datetime(2025, 1, 22, 10, 0)),
        ("el sábado a las 9", datetime(2025, 1, 18, 9, 0)),
        ("hoy a las 2", datetime(2025, 1, 15, 14, 0)),
        ("today at 11:15", datetime(2025, 1, 15, 11, 15)),
        ("at 9", datetime(2025, 1, 16, 9, 0)),  # 9:00 today has passed at 9:30: tomorrow
        ("at 9:45", datetime(2025, 1, 15, 9, 45)),  # still ahead today
        ("at 11", datetime(2025, 1, 15, 11, 0)),
        ("at 8 am", datetime(2025, 1, 16, 8, 0)),
        ("at 18:59", datetime(2025, 1, 15, 18, 59)),
        ("a las 4", datetime(2025, 1, 15, 16, 0)),
        ("at 12 pm", datetime(2025, 1, 15, 12, 0)),
    ],
)
def test_proposed_time(speech: str, expected: datetime) -> None:
    assert proposed_time(speech, NOW) == expected


@pytest.mark.parametrize(
    "speech",
    [
        None,
        "",
        "yes",
        "sounds good to me",
        "at 7",  # 19:00, closing time
        "tomorrow at 7 pm",
        "tomorrow at 6 am",
        "tomorrow at 7 in the morning",
        "tomorrow at 20:00",
        "tomorrow at 23",
        "at 25",  # not a clock
        "at 10:75",
        "today at 9",  # a day was named and it has passed: not moved to tomorrow
        "hoy a las 8 de la mañana",
    ],
)
def test_proposed_time_refuses(speech: str | None) -> None:
    assert proposed_time(speech, NOW) is None


def test_a_day_alone_is_refused_today_after_ten_but_a_weekday_is_not() -> None:
    afternoon = datetime(2025, 1, 15, 14, 0)
    assert proposed_time("today", afternoon) is None  # today at 10:00 has passed
    assert proposed_time("today", NOW) == datetime(2025, 1, 15, 10, 0)
    assert proposed_time("tomorrow", afternoon) == datetime(2025, 1, 16, 10, 0)


def test_a_time_alone_that_has_passed_moves_to_tomorrow() -> None:
    late = datetime(2025, 1, 15, 17, 0)
    assert proposed_time("at 4 pm", late) == datetime(2025, 1, 16, 16, 0)
    assert proposed_time("at 5", late) == datetime(2025, 1, 16, 17, 0)  # exactly now: tomorrow
    assert proposed_time("at 6", late) == datetime(2025, 1, 15, 18, 0)


def test_weekdays_wrap_across_the_week_and_month() -> None:
    saturday = datetime(2025, 1, 25, 11, 0)
    assert proposed_time("Monday", saturday) == datetime(2025, 1, 27, 10, 0)
    assert proposed_time("el domingo a las 3", saturday) == datetime(2025, 1, 26, 15, 0)
    assert proposed_time("viernes", datetime(2025, 1, 31, 9, 0)) == datetime(2025, 2, 7, 10, 0)
    assert proposed_time("tomorrow at 9", datetime(2025, 12, 31, 12)) == datetime(2026, 1, 1, 9)


def test_manana_a_las_10_de_la_manana_is_tomorrow() -> None:
    assert proposed_time("mañana a las 10 de la mañana", NOW) == datetime(2025, 1, 16, 10, 0)


def test_an_evening_time_is_outside_visiting_hours() -> None:
    assert proposed_time("a las 8 de la noche", NOW) is None
    assert proposed_time("tonight at 9", NOW) is None


def test_twelve_am_is_midnight_and_refused() -> None:
    assert proposed_time("at 12 am", NOW) is None


def test_a_number_that_is_not_a_time_is_not_a_visit() -> None:
    assert proposed_time("I have 2 questions", NOW) is None


_MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1))
_WORDS = st.sampled_from(
    [
        "tomorrow",
        "today",
        "hoy",
        "mañana",
        "de la mañana",
        "de la tarde",
        "in the morning",
        "in the afternoon",
        "this afternoon",
        "noon",
        "mediodía",
        "at",
        "a las",
        "am",
        "p.m.",
        "pm",
        "Friday",
        "el martes",
        "sábado",
        "domingo",
        "no",
        "yes",
    ]
)
_SPEECH = st.one_of(
    st.text(),
    st.lists(
        st.one_of(
            _WORDS, st.integers(0, 99).map(str), st.from_regex(r"\d{1,2}:\d{2}", fullmatch=True)
        ),
        max_size=6,
    ).map(" ".join),
)


@given(_SPEECH, _MOMENTS)
def test_proposed_time_is_always_ahead_and_within_visiting_hours(
    speech: str, now: datetime
) -> None:
    moment = proposed_time(speech, now)
    if moment is not None:
        assert moment > now
        assert OPENING_HOUR <= moment.hour < CLOSING_HOUR
        assert moment - now <= timedelta(days=7, hours=CLOSING_HOUR)  # never more than a week out
        assert moment.second == 0 and moment.microsecond == 0


# --- next_slot -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2025, 1, 13, 9, 0), datetime(2025, 1, 14, 10, 0)),  # Monday -> Tuesday
        (NOW, SLOT),  # Wednesday -> Thursday
        (datetime(2025, 1, 16, 23, 59), datetime(2025, 1, 17, 10, 0)),  # Thursday -> Friday
        (datetime(2025, 1, 17, 8, 0), datetime(2025, 1, 20, 10, 0)),  # Friday -> Monday
        (datetime(2025, 1, 18, 12, 0), datetime(2025, 1, 20, 10, 0)),  # Saturday -> Monday
        (datetime(2025, 1, 19, 0, 1), datetime(2025, 1, 20, 10, 0)),  # Sunday -> Monday
        (datetime(2025, 1, 31, 15, 0), datetime(2025, 2, 3, 10, 0)),  # over a month end
    ],
)
def test_next_slot_is_the_next_weekday_at_ten(now: datetime, expected: datetime) -> None:
    assert next_slot(now) == expected


@given(_MOMENTS)
def test_next_slot_is_a_weekday_at_ten_within_three_days(now: datetime) -> None:
    slot = next_slot(now)
    assert slot.weekday() < 5
    assert (slot.hour, slot.minute, slot.second) == (SLOT_HOUR, 0, 0)
    assert 1 <= (slot.date() - now.date()).days <= 3


# --- decide --------------------------------------------------------------------------------------
def _decide(
    speech: str | None,
    stage: Stage,
    *,
    offered: datetime | None = None,
    silences: int = 0,
    answers: int = 0,
    max_answers: int = 3,
    now: datetime = NOW,
) -> Decision:
    return decide(
        speech,
        stage=stage,
        offered=offered,
        silences=silences,
        answers=answers,
        max_answers=max_answers,
        now=now,
    )


def test_yes_to_the_pitch_offers_the_next_slot() -> None:
    assert _decide("Yes, sure", Stage.PITCHED) == Decision(Step.OFFER, slot=SLOT)
    assert _decide("Sí, me interesa", Stage.PITCHED) == Decision(Step.OFFER, slot=SLOT)
    friday = datetime(2025, 1, 17, 16, 0)
    assert _decide("yes", Stage.PITCHED, now=friday) == Decision(
        Step.OFFER, slot=datetime(2025, 1, 20, 10, 0)
    )


def test_yes_to_an_offered_slot_books_that_slot() -> None:
    offered = datetime(2025, 1, 20, 10, 0)
    assert _decide("That works", Stage.OFFERED, offered=offered) == Decision(
        Step.END, Outcome.APPOINTMENT, slot=offered
    )
    assert _decide("De acuerdo", Stage.OFFERED, offered=offered).slot == offered


@pytest.mark.parametrize("stage", [Stage.PITCHED, Stage.OFFERED])
def test_a_named_time_books_that_time(stage: Stage) -> None:
    offered = SLOT if stage is Stage.OFFERED else None
    assert _decide("Friday at 3 pm", stage, offered=offered) == Decision(
        Step.END, Outcome.APPOINTMENT, slot=datetime(2025, 1, 17, 15, 0)
    )
    assert _decide("Sí, el martes a las 10 de la mañana", stage, offered=offered) == Decision(
        Step.END, Outcome.APPOINTMENT, slot=datetime(2025, 1, 21, 10, 0)
    )


def test_a_named_time_outside_visiting_hours_does_not_book() -> None:
    # yes + an impossible time: the time is dropped, the usual slot is offered.
    assert _decide("yes, tomorrow at 8 pm", Stage.PITCHED) == Decision(Step.OFFER, slot=SLOT)
    assert _decide("ok, at 7", Stage.OFFERED, offered=SLOT) == Decision(
        Step.END, Outcome.APPOINTMENT, slot=SLOT
    )


def test_no_after_an_offer_is_interested_and_no_to_the_pitch_is_not() -> None:
    assert _decide("No", Stage.OFFERED, offered=SLOT) == Decision(Step.END, Outcome.INTERESTED)
    assert _decide("nope", Stage.PITCHED) == Decision(Step.END, Outcome.NOT_INTERESTED)


@pytest.mark.parametrize("stage", [Stage.PITCHED, Stage.OFFERED])
def test_refusal_wrong_number_and_callback_end_the_outbound_call(stage: Stage) -> None:
    offered = SLOT if stage is Stage.OFFERED else None
    assert _decide("No thanks", stage, offered=offered) == Decision(
        Step.END, Outcome.NOT_INTERESTED
    )
    assert _decide("Número equivocado", stage, offered=offered) == Decision(
        Step.END, Outcome.WRONG_NUMBER
    )
    assert _decide("Llámeme más tarde", stage, offered=offered) == Decision(
        Step.END, Outcome.CALLBACK
    )
    # a time inside a refusal or a call-back request is not a booking
    assert _decide("Call me back tomorrow at 3", stage, offered=offered) == Decision(
        Step.END, Outcome.CALLBACK
    )
    assert _decide("Not interested, not even on Friday at 10", stage, offered=offered) == (
        Decision(Step.END, Outcome.NOT_INTERESTED)
    )


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("speech", ["No, STOP calling me", "Yes, remove me", "no me llame más"])
def test_opt_out_ends_the_call_at_any_stage(stage: Stage, speech: str) -> None:
    offered = SLOT if stage is Stage.OFFERED else None
    for silences, answers in [(0, 0), (1, 2), (0, 9)]:
        assert _decide(
            speech, stage, offered=offered, silences=silences, answers=answers
        ) == Decision(Step.END, Outcome.OPTED_OUT)


@pytest.mark.parametrize("stage", list(Stage))
def test_silence_once_asks_again_keeping_the_offered_slot(stage: Stage) -> None:
    offered = SLOT if stage is Stage.OFFERED else None
    assert _decide(None, stage, offered=offered) == Decision(Step.ASK_AGAIN, slot=offered)
    assert _decide("  ", stage, offered=offered, answers=2) == Decision(
        Step.ASK_AGAIN, slot=offered
    )


@pytest.mark.parametrize("stage", list(Stage))
def test_silence_twice_ends_with_no_answer_or_interested_after_answers(stage: Stage) -> None:
    offered = SLOT if stage is Stage.OFFERED else None
    assert _decide("", stage, offered=offered, silences=1) == Decision(Step.END, Outcome.NO_ANSWER)
    assert _decide(None, stage, offered=offered, silences=2, answers=1) == Decision(
        Step.END, Outcome.INTERESTED
    )


def test_an_outbound_question_is_answered_until_the_limit() -> None:
    assert _decide("Who is this?", Stage.PITCHED, answers=2) == Decision(Step.ANSWER)
    assert _decide("¿Cuánto ofrecen?", Stage.OFFERED, offered=SLOT) == Decision(
        Step.ANSWER, slot=SLOT
    )
    assert _decide("hmm, let me think", Stage.PITCHED) == Decision(Step.ANSWER)  # other


def test_max_answers_reached_ends_outbound_as_callback_or_interested() -> None:
    assert _decide("What company?", Stage.PITCHED, answers=3, max_answers=3) == Decision(
        Step.END, Outcome.CALLBACK
    )
    assert _decide("What company?", Stage.OFFERED, offered=SLOT, answers=4) == Decision(
        Step.END, Outcome.INTERESTED
    )
    assert _decide("hmm", Stage.PITCHED, answers=0, max_answers=0) == Decision(
        Step.END, Outcome.CALLBACK
    )


def test_inbound_greeting() -> None:
    assert _decide("What do you offer for my house?", Stage.GREETED) == Decision(Step.ANSWER)
    assert _decide("I got a call from this number", Stage.GREETED) == Decision(Step.ANSWER)
    assert _decide("Yes", Stage.GREETED) == Decision(Step.TAKE_MESSAGE)
    assert _decide("Sí, por favor", Stage.GREETED) == Decision(Step.TAKE_MESSAGE)
    assert _decide("Call me back please", Stage.GREETED) == Decision(Step.TAKE_MESSAGE)
    assert _decide("Llámenme", Stage.GREETED) == Decision(Step.TAKE_MESSAGE)
    # an inbound caller never books here, even when naming a time
    assert _decide("yes, tomorrow at 3", Stage.GREETED) == Decision(Step.TAKE_MESSAGE)


@pytest.mark.parametrize("speech", ["No", "No thanks", "Wrong number"])
def test_inbound_no_ends_as_interested(speech: str) -> None:
    assert _decide(speech, Stage.GREETED) == Decision(Step.END, Outcome.INTERESTED)


def test_inbound_questions_beyond_the_limit_take_a_message() -> None:
    assert _decide("How does it work?", Stage.GREETED, answers=2) == Decision(Step.ANSWER)
    assert _decide("How does it work?", Stage.GREETED, answers=3) == Decision(Step.TAKE_MESSAGE)


def test_the_message_stage_ends_with_the_callers_message() -> None:
    said = "  Hi, this is Ana,\n call me   at 305 555 0100 about my house on Main St.  "
    assert _decide(said, Stage.MESSAGE) == Decision(
        Step.END,
        Outcome.CALLBACK,
        message="Hi, this is Ana, call me at 305 555 0100 about my house on Main St.",
    )
    # whatever intent the words carry, they are the message (only an opt-out wins)
    assert _decide("No, thanks, wrong number", Stage.MESSAGE).message == (
        "No, thanks, wrong number"
    )
    assert _decide("Friday at 10", Stage.MESSAGE) == Decision(
        Step.END, Outcome.CALLBACK, message="Friday at 10"
    )
    assert _decide("Quiero vender, llámenme mañana", Stage.MESSAGE).outcome is Outcome.CALLBACK


def test_no_naming_a_day_is_not_a_booking() -> None:
    decision = _decide("No, not tomorrow", Stage.OFFERED, offered=SLOT)
    assert decision.outcome is not Outcome.APPOINTMENT


@given(
    st.text(),
    st.sampled_from(list(Stage)),
    st.integers(0, 3),
    st.integers(0, 5),
    st.integers(0, 5),
)
def test_decide_is_always_consistent(
    speech: str, stage: Stage, silences: int, answers: int, max_answers: int
) -> None:
    offered = SLOT if stage is Stage.OFFERED else None
    decision = _decide(
        speech, stage, offered=offered, silences=silences, answers=answers, max_answers=max_answers
    )
    assert (decision.step is Step.END) == (decision.outcome is not None)
    if decision.outcome is Outcome.APPOINTMENT:
        assert decision.slot is not None and decision.slot > NOW
        assert OPENING_HOUR <= decision.slot.hour < CLOSING_HOUR
    if decision.step is Step.OFFER:
        assert decision.slot == SLOT
    if decision.message is not None:
        assert stage is Stage.MESSAGE and decision.outcome is Outcome.CALLBACK
    if intent_of(speech) is Intent.OPT_OUT:
        assert decision == Decision(Step.END, Outcome.OPTED_OUT)


# --- labels --------------------------------------------------------------------------------------
def test_outcome_labels() -> None:
    assert outcome_label("appointment") == "Appointment"
    assert outcome_label("opted_out") == "Opted out"
    assert outcome_label(None) == "—"
    assert outcome_label("nonsense") == "—"
    assert {outcome.label for outcome in Outcome} == {
        "Interested",
        "Not interested",
        "Call back",
        "Appointment",
        "Voicemail left",
        "No answer",
        "Wrong number",
        "Opted out",
    }
