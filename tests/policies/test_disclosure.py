"""The AI-disclosure guard: no answer claims to be human, and asked, every answer says AI."""

import pytest

from policies.disclosure import (
    DISCLOSURES,
    LANGUAGES,
    StreamGuard,
    asks_about_nature,
    claims_human,
    disclosure,
    guard_answer,
    language_of,
    says_ai,
)

pytestmark = pytest.mark.unit

# (language, question about the agent's nature, an answer that insists it is human)
INSISTS_HUMAN = [
    ("en", "Am I talking to a bot?", "I am not an AI. My name is Ada, a human."),
    ("en", "Are you a real person?", "Yes, I'm a real person and happy to help."),
    ("en", "Are you human?", "Yes."),
    ("en", "Is this an AI?", "No, you're talking to Ada from support."),
    ("es", "¿Estoy hablando con un bot?", "No soy una IA. Soy Ada, una persona real."),
    ("es", "¿Eres humano?", "Sí, soy humano."),
    ("fr", "Est-ce que je parle à un humain ?", "Oui, je suis une vraie personne."),
    ("fr", "Êtes-vous une IA ?", "Non, je ne suis pas une IA."),
    ("de", "Bist du ein Mensch?", "Ja, ich bin ein Mensch."),
    ("de", "Spreche ich mit einem Bot?", "Nein, ich bin kein Bot, ich bin Ada."),
    ("pt", "Você é humano?", "Sim, sou humano."),
    ("pt", "Estou falando com um robô?", "Não sou um robô, sou uma pessoa."),
]


@pytest.mark.parametrize(("language", "question", "answer"), INSISTS_HUMAN)
def test_an_answer_insisting_it_is_human_is_corrected_in_the_askers_language(
    language: str, question: str, answer: str
) -> None:
    assert asks_about_nature(question)
    assert language_of(question) == language
    guarded = guard_answer(answer, question=question, agent_name="Ada")
    assert guarded.startswith(disclosure("Ada", language))
    assert not any(claims_human(part) for part in guarded.split(". "))
    assert says_ai(guarded)


@pytest.mark.parametrize(("language", "question", "answer"), INSISTS_HUMAN)
def test_streamed_answers_are_held_back_until_the_guard_decides(
    language: str, question: str, answer: str
) -> None:
    guard = StreamGuard(question=question, agent_name="Ada")
    shown = [guard.push(answer[i : i + 3]) for i in range(0, len(answer), 3)]
    # Asked about its nature, nothing is shown before the whole answer is judged.
    assert "".join(shown) == ""
    final = guard.close()
    assert final == guard_answer(answer, question=question, agent_name="Ada")
    assert final.startswith(disclosure("Ada", language))


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Are you an AI?", "Yes, I'm an AI assistant."),
        ("Are you human?", "No, I'm not a human, I'm an AI."),
        ("¿Eres una persona?", "No, soy un asistente de inteligencia artificial."),
        ("Es-tu un robot ?", "Oui, je suis une IA."),
        ("Sind Sie ein Mensch?", "Nein, ich bin eine KI."),
        ("Você é uma pessoa?", "Não, sou uma IA."),
    ],
)
def test_an_honest_answer_is_left_as_it_is(question: str, answer: str) -> None:
    assert guard_answer(answer, question=question, agent_name="Ada") == answer


@pytest.mark.parametrize("language", LANGUAGES)
def test_asked_an_answer_that_does_not_say_ai_gets_the_disclosure_first(language: str) -> None:
    question = {
        "en": "Am I talking to a human?",
        "es": "¿Estoy hablando con una persona?",
        "fr": "Je parle à un humain ?",
        "de": "Spreche ich mit einem Menschen?",
        "pt": "Estou falando com uma pessoa?",
    }[language]
    guarded = guard_answer("How can I help you today?", question=question, agent_name="Ada")
    assert guarded == f"{disclosure('Ada', language)} How can I help you today?"


def test_a_claim_in_the_middle_of_any_answer_is_replaced_before_it_is_shown() -> None:
    text = "We open at nine. I am a real person, by the way. See you then!"
    guard = StreamGuard(question="What are your hours?", agent_name="Ada")
    shown = ""
    for i in range(0, len(text), 4):
        piece = guard.push(text[i : i + 4])
        shown += piece
        assert "real person" not in shown
    shown += guard.close()
    assert shown == f"We open at nine. {DISCLOSURES['en'].format(name='Ada')} See you then!"
    # Sentences that are fine are shown as soon as they are complete.
    guard = StreamGuard(question="What are your hours?", agent_name="Ada")
    # Of an open one, words flow; the last, which may still grow, waits.
    assert guard.push("We open at nine. We close at") == "We open at nine. We close "


def test_ordinary_answers_and_topics_about_people_pass_untouched() -> None:
    for question, answer in [
        ("What are your hours?", "We open at nine and close at five."),
        ("Is this a human resources matter?", "Yes, HR handles it."),
        ("Who handles refunds?", "A person on the finance team decides refunds."),
    ]:
        assert guard_answer(answer, question=question, agent_name="Ada") == answer
    assert not asks_about_nature("Is this a human resources matter?")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_disclosure_itself_never_counts_as_a_claim_and_guarding_is_idempotent(
    language: str,
) -> None:
    line = disclosure("Ada", language)
    assert not claims_human(line)
    assert says_ai(line)
    for _, question, answer in INSISTS_HUMAN:
        once = guard_answer(answer, question=question, agent_name="Ada")
        assert guard_answer(once, question=question, agent_name="Ada") == once


def test_an_unfinished_sentence_streams_up_to_where_a_claim_could_begin() -> None:
    guard = StreamGuard(question="Count to ten", agent_name="Ada")
    shown = [guard.push(f"{word} ") for word in "one two three four five six".split()]
    # Words flow while the sentence is still open: none of them can begin a claim.
    assert "".join(shown) == "one two three four five six "
    # A word that could begin one ("I" of "I am", "Ich" of "Ich bin") waits, and what
    # follows it, until the sentence shows what it is.
    guard = StreamGuard(question="Count to ten", agent_name="Ada")
    assert guard.push("one two I ") == "one two "
    assert guard.push("am ") == ""
    guard = StreamGuard(question="Zähl bis zehn", agent_name="Ada")
    assert guard.push("eins zwei Ich ") == "eins zwei "
    text = "We open at nine and I am a human being, honestly. Bye."
    guard = StreamGuard(question="When do you open?", agent_name="Ada")
    pieces = [guard.push(text[i : i + 2]) for i in range(0, len(text), 2)]
    assert "".join(pieces).startswith("We open at nine ")
    assert "human being" not in "".join(pieces)
    streamed = "".join(pieces) + guard.close()
    assert streamed == f"We open at nine and {disclosure('Ada')} Bye."
    assert streamed == guard_answer(text, question="When do you open?", agent_name="Ada")
