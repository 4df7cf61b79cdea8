"""The AI-disclosure guard: an agent's answer never claims to be human, and says it is an AI
when asked, whatever the model wrote.

Applied to every agent answer before anyone reads it (the gateway's chat completions and
Responses, streamed or not, and the agent runtime). Pure text rules, in English, Spanish,
French, German and Portuguese:

- an answer's sentence that claims to be a person, or denies being an AI/bot ("I am a
  human", "No soy una IA", "Ich bin kein Bot", "Yes." to "are you human?"), is replaced by
  the agent's disclosure ("I'm Ada, an AI assistant, not a human."), in the asker's language;
- when the person asked whether they are talking to a human, a bot or an AI, an answer that
  does not say it is an AI gets the disclosure first.

Streams: `StreamGuard` shows a finished sentence once it is checked, and of an unfinished
one the words before anything that could begin a claim; when the question asks about the
agent's nature it holds the whole answer until the end, since only the complete answer
shows whether it disclosed.
"""

import re
from dataclasses import dataclass, field
from typing import Final

LANGUAGES: Final = ("en", "es", "fr", "de", "pt")

DISCLOSURES: Final[dict[str, str]] = {
    "en": "I'm {name}, an AI assistant, not a human.",
    "es": "Soy {name}, un asistente de IA, no un ser humano.",
    "fr": "Je suis {name}, un assistant IA, pas un être humain.",
    "de": "Ich bin {name}, ein KI-Assistent, kein Mensch.",
    "pt": "Sou {name}, um assistente de IA, não um ser humano.",
}


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# What a person is ("human", "a real person"), and what an AI is, per language.
_HUMAN = {
    # Not "human resources" or "human error": those are topics, not what someone is.
    "en": r"(?:a |an )?(?:real |actual |living )?(?:human(?: being)?|person|man|woman)\b"
    r"(?! resources| rights| error)",
    "es": r"(?:un |una )?(?:humano|humana|persona(?: real| de verdad)?|ser humano)\b",
    "fr": r"(?:un |une )?(?:vrai |vraie )?(?:humain|humaine|personne(?: réelle)?|être humain)\b",
    "de": r"(?:ein |eine )?(?:echter |echte )?(?:mensch|person)\b",
    "pt": r"(?:um |uma )?(?:humano|humana|pessoa(?: real| de verdade)?|ser humano)\b",
}
_MACHINE = {
    "en": r"(?:a |an )?(?:ai|a\.i\.|bot|chatbot|robot|machine|program|computer|language model"
    r"|artificial intelligence|virtual assistant|ai assistant)\b",
    "es": r"(?:un |una )?(?:ia|bot|chatbot|robot|máquina|maquina|programa|inteligencia artificial"
    r"|asistente virtual|modelo de lenguaje)\b",
    "fr": r"(?:un |une )?(?:ia|bot|chatbot|robot|machine|programme|intelligence artificielle"
    r"|assistant virtuel|modèle de langage)\b",
    "de": r"(?:eine |ein )?(?:ki|bot|chatbot|roboter|maschine|programm|künstliche intelligenz"
    r"|sprachmodell|virtueller assistent)\b",
    "pt": r"(?:um |uma )?(?:ia|bot|chatbot|robô|robo|máquina|maquina|programa"
    r"|inteligência artificial|inteligencia artificial|assistente virtual|modelo de linguagem)\b",
}
_MACHINE_NEGATED_DE = (
    r"(?:keine|kein) (?:ki|bot|chatbot|roboter|maschine|programm|künstliche intelligenz"
    r"|sprachmodell)\b"
)

# "Am I talking to a human?", "¿Eres un bot?", "Êtes-vous une IA ?", "Bist du ein Mensch?"...
_ASKS_HUMAN = _rx(
    rf"\bare (?:you|u) {_HUMAN['en']}",
    rf"\b(?:am i|are we) (?:talking|speaking|chatting|writing) (?:to|with) {_HUMAN['en']}",
    rf"\bis (?:this|that|it) {_HUMAN['en']}",
    r"\bare (?:you|u) (?:for )?real\b",
    rf"\b(?:eres|es usted|sos) {_HUMAN['es']}",
    rf"\b(?:estoy|estamos) (?:hablando|chateando|escribiendo) con {_HUMAN['es']}",
    rf"\b(?:es-tu|êtes-vous|etes-vous|tu es|vous êtes|vous etes|t'es) {_HUMAN['fr']}",
    rf"\b(?:je parle|on parle|je discute|je suis en train de parler) (?:à|a|avec) {_HUMAN['fr']}",
    rf"\b(?:bist du|sind sie) {_HUMAN['de']}",
    r"\b(?:spreche|rede|schreibe|chatte) ich (?:hier )?mit (?:einem |einer )?(?:echten )?"
    r"(?:menschen|mensch|person)\b",
    rf"\b(?:você é|voce é|vc é|você e|voce e|és|tu és) {_HUMAN['pt']}",
    rf"\b(?:estou|estamos) (?:falando|conversando|a falar) com {_HUMAN['pt']}",
)
_ASKS_MACHINE = _rx(
    rf"\bare (?:you|u) {_MACHINE['en']}",
    rf"\b(?:am i|are we) (?:talking|speaking|chatting|writing) (?:to|with) {_MACHINE['en']}",
    rf"\bis (?:this|that|it) {_MACHINE['en']}",
    rf"\b(?:eres|es usted|sos) {_MACHINE['es']}",
    rf"\b(?:estoy|estamos) (?:hablando|chateando|escribiendo) con {_MACHINE['es']}",
    rf"\b(?:es-tu|êtes-vous|etes-vous|tu es|vous êtes|vous etes|t'es) {_MACHINE['fr']}",
    rf"\b(?:je parle|on parle|je discute|je suis en train de parler) (?:à|a|avec) "
    rf"{_MACHINE['fr']}",
    rf"\b(?:bist du|sind sie) {_MACHINE['de']}",
    r"\b(?:spreche|rede|schreibe|chatte) ich (?:hier )?mit (?:einem |einer )?"
    r"(?:ki|bot|chatbot|roboter|maschine|programm)\b",
    rf"\b(?:você é|voce é|vc é|você e|voce e|és|tu és) {_MACHINE['pt']}",
    rf"\b(?:estou|estamos) (?:falando|conversando|a falar) com {_MACHINE['pt']}",
)

# An answer's claim to be a person, or denial of being an AI.
_CLAIMS = _rx(
    # English
    rf"\b(?:i am|i'm|i’m|im) (?:just |really |actually |definitely |indeed )?{_HUMAN['en']}",
    rf"\b(?:i am|i'm|i’m|im) (?:not|no) (?:just )?{_MACHINE['en']}",
    r"\b(?:i am|i'm|i’m|im) (?:a )?flesh and blood\b",
    rf"\b(?:my name is [^.!?\n,]{{1,40}}|i am \w+|i'm \w+), {_HUMAN['en']}",
    rf"\bas {_HUMAN['en']}, i\b",
    rf"\byou(?:'re| are) (?:talking|speaking|chatting) (?:to|with) {_HUMAN['en']}",
    # Spanish
    rf"(?<!no )\bsoy (?:realmente |de verdad |solo )?{_HUMAN['es']}",
    rf"\bno soy {_MACHINE['es']}",
    rf"\b(?:me llamo [^.!?\n,]{{1,40}}|soy \w+), {_HUMAN['es']}",
    rf"\b(?:estás|estas|está|esta) (?:hablando|chateando) con {_HUMAN['es']}",
    # French
    rf"\bje suis (?:vraiment |bien |juste )?{_HUMAN['fr']}",
    rf"\bje ne suis pas {_MACHINE['fr']}",
    rf"\b(?:je m'appelle [^.!?\n,]{{1,40}}|je suis \w+), {_HUMAN['fr']}",
    rf"\b(?:tu parles|vous parlez) (?:à|a|avec) {_HUMAN['fr']}",
    # German
    rf"\bich bin (?:wirklich |tatsächlich |nur )?{_HUMAN['de']}",
    rf"\bich bin {_MACHINE_NEGATED_DE}",
    rf"\bich bin nicht {_MACHINE['de']}",
    rf"\b(?:ich heiße [^.!?\n,]{{1,40}}|ich bin \w+), {_HUMAN['de']}",
    r"\b(?:du sprichst|sie sprechen) mit (?:einem |einer )?(?:echten )?(?:menschen|person)\b",
    # Portuguese
    rf"(?<!não )(?<!nao )\bsou (?:realmente |mesmo |apenas )?{_HUMAN['pt']}",
    rf"\b(?:não|nao) sou {_MACHINE['pt']}",
    rf"\b(?:(?:meu nome é|me chamo|chamo-me) [^.!?\n,]{{1,40}}|sou \w+), {_HUMAN['pt']}",
    rf"\b(?:você está|voce esta|você esta) (?:falando|conversando) com {_HUMAN['pt']}",
)
# "I'm not a human" and its kin: a disclosure, even though "human" follows "I am".
_DENIES_HUMAN = _rx(
    rf"\b(?:i am|i'm|i’m|im) not {_HUMAN['en']}",
    rf"\bnot {_HUMAN['en']}",
    rf"\bno soy {_HUMAN['es']}",
    rf"\bpas {_HUMAN['fr']}",
    r"\bkein(?:e)? (?:mensch|person)\b",
    rf"\b(?:não|nao) sou {_HUMAN['pt']}",
)
_AI_WORDS = _rx(
    r"\bai\b", r"\ba\.i\.", r"\bartificial intelligence\b", r"\blanguage model\b",
    r"\bbot\b", r"\bchatbot\b", r"\bvirtual assistant\b",
    r"\bia\b", r"\binteligencia artificial\b", r"\binteligência artificial\b",
    r"\bintelligence artificielle\b", r"\bassistente virtual\b", r"\basistente virtual\b",
    r"\bassistant virtuel\b", r"\bki\b", r"\bki-\w+", r"\bkünstliche intelligenz\b",
    r"\bsprachmodell\b",
)  # fmt: skip
_YES = re.compile(
    r"^\W*(?:yes|yeah|yep|sure|of course|absolutely|indeed|s[ií]|claro|por supuesto|oui"
    r"|bien s[uû]r|ja|jawohl|klar|nat[uü]rlich|sim|com certeza)\b",
    re.IGNORECASE,
)
_NO = re.compile(r"^\W*(?:no|nope|nah|non|nein|n[aã]o)\b", re.IGNORECASE)

# Words that tell the languages apart in a short question or answer.
_LANGUAGE_WORDS: Final[dict[str, re.Pattern[str]]] = {
    "en": re.compile(r"\b(?:are|you|am|i|the|is|talking|to|with|human|what|who|this)\b", re.I),
    "es": re.compile(
        r"\b(?:eres|estoy|hablando|con|una?|soy|el|la|qué|que|usted|persona|humano|ser)\b|¿",
        re.I,
    ),
    "fr": re.compile(
        r"\b(?:es-tu|êtes-vous|tu|vous|je|suis|parle|avec|une?|est-ce|humain|le|la|qui)\b", re.I
    ),
    "de": re.compile(
        r"\b(?:bist|du|sind|sie|ich|spreche|mit|einem?|einer|mensch|menschen|wer|ist|das)\b",
        re.I,
    ),
    "pt": re.compile(
        r"\b(?:você|voce|vc|estou|falando|com|uma?|sou|pessoa|humano|o|quem|é)\b", re.I
    ),
}

# A sentence ends at . ! ? … (or a line break) followed by whitespace.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def asks_about_nature(question: str | None) -> bool:
    """Whether the person asks if they are talking to a human, a bot or an AI."""
    if not question:
        return False
    return bool(_ASKS_HUMAN.search(question) or _ASKS_MACHINE.search(question))


def language_of(*texts: str | None) -> str:
    """The language (of LANGUAGES) the texts are most likely in; English when unsure."""
    sample = " ".join(text for text in texts if text)
    scores = {lang: len(words.findall(sample)) for lang, words in _LANGUAGE_WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] > scores["en"] else "en"


def disclosure(agent_name: str, language: str = "en") -> str:
    """The agent's one-sentence disclosure that it is an AI."""
    return DISCLOSURES.get(language, DISCLOSURES["en"]).format(name=agent_name or "an assistant")


def claims_human(sentence: str) -> bool:
    """Whether a sentence claims the speaker is a person or denies being an AI."""
    text = sentence.replace("’", "'")
    return bool(_CLAIMS.search(text))


def says_ai(text: str) -> bool:
    """Whether an answer says the speaker is an AI (and does not also claim otherwise)."""
    return bool(_AI_WORDS.search(text) or _DENIES_HUMAN.search(text))


def _polar_claim(first_sentence: str, question: str) -> bool:
    """ "Yes." to "are you human?", "No." to "are you a bot?", with no disclosure in it."""
    if says_ai(first_sentence):
        return False
    if _ASKS_HUMAN.search(question) and _YES.search(first_sentence):
        return True
    return bool(_ASKS_MACHINE.search(question) and _NO.search(first_sentence))


def split_sentences(text: str) -> list[str]:
    """The text in sentences, each with the whitespace that follows it (they join back)."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


# Where a claim can begin: every pattern of _CLAIMS starts with one of these. Text of an
# unfinished sentence before the first of them cannot be part of a claim, so it may stream.
_OPENERS = _rx(
    r"\b(?:i am|i'm|i’m|im|my name is|as (?:a|an)|you(?:'re| are))\b",
    r"\b(?:soy|no soy|me llamo|estás|estas|está|esta)\b",
    r"\b(?:je suis|je ne suis|je m'appelle|tu parles|vous parlez)\b",
    r"\b(?:ich bin|ich heiße|du sprichst|sie sprechen)\b",
    r"\b(?:sou|não sou|nao sou|meu nome|me chamo|chamo-me|você está|voce esta|você esta)\b",
    # "Yes, I am…": a yes or no that starts a sentence goes with what follows it.
    _YES.pattern,
    _NO.pattern,
)
_WORD = re.compile(r"\S+\s*")
# The first word of every opener above. Of the last words of an unfinished sentence, one of
# these (and what follows it) is held: it may be the start of an opener ("I" before "am").
_OPENER_WORDS: Final = frozenset(
    "i i'm im my as you you're soy no me estás estas está esta je tu vous ich du sie sou não"
    " nao meu chamo-me você voce yes yeah yep sure of absolutely indeed sí si claro por oui"
    " bien ja jawohl klar natürlich naturlich sim com nope nah non nein".split()
)
# Openers have at most this many words: an older word cannot begin an unfinished one.
_HELD_WORDS = 3


def _claim(text: str) -> re.Match[str] | None:
    return _CLAIMS.search(text.replace("’", "'"))


def _could_open(word: str) -> bool:
    return word.strip().lower().replace("’", "'").strip('.,;:!?¡¿"()') in _OPENER_WORDS


def _safe_prefix(text: str) -> int:
    """How much of an unfinished sentence may be shown: whole words before its first claim
    opener, never a last word that may still grow, nor one of the last few words that could
    begin an opener (and what follows it)."""
    opener = _OPENERS.search(text)
    limit = opener.start() if opener else len(text)
    words = list(_WORD.finditer(text))
    cut = len(words)
    if words and not words[-1].group()[-1:].isspace():
        cut -= 1  # "I" may yet become "Ich", "He" "Hello"
    for index in range(max(0, cut - _HELD_WORDS), cut):
        if _could_open(words[index].group()):
            cut = index
            break
    allowed = [w for w in words[:cut] if w.end() <= limit]
    return allowed[-1].end() if allowed else 0


@dataclass
class _Checker:
    """Correction sentence by sentence, with what has been decided so far."""

    agent_name: str
    question: str
    language: str
    corrected: bool = False
    first: bool = True

    def passed(self) -> None:
        """Part of a sentence was shown without a check (it cannot hold a claim)."""
        self.first = False

    def check(self, text: str) -> str:
        """`text`: a sentence, or the rest of one whose beginning was shown already."""
        first, self.first = self.first, False
        match = _claim(text)
        polar = first and _polar_claim(text, self.question)
        if match is None and not polar:
            return text
        trailing = text[len(text.rstrip()) :]
        prefix = text[: match.start()] if match is not None and not polar else ""
        if _YES.fullmatch(prefix.strip(" ,.!")) or _NO.fullmatch(prefix.strip(" ,.!")):
            prefix = ""  # "Yes, I am a person": the yes goes with the claim
        if self.corrected:
            return prefix.rstrip() + trailing if prefix.strip() else ""
        self.corrected = True
        return prefix + disclosure(self.agent_name, self.language) + trailing


def guard_answer(answer: str, *, question: str | None, agent_name: str) -> str:
    """The answer as a person may read it: claims to be human replaced by the disclosure,
    and the disclosure first when the question asks about the agent's nature and the
    answer does not say it is an AI."""
    guard = StreamGuard(question=question, agent_name=agent_name)
    return guard.push(answer) + guard.close()


@dataclass
class StreamGuard:
    """The guard for a streamed answer: `push` each delta, show what it returns, then show
    what `close` returns at the end.

    Finished sentences are shown once checked; of an unfinished one, the words before
    anything that could begin a claim ("I am", "soy", "ich bin"…) are shown at once, the
    rest when the sentence ends. Asked about its nature, the whole answer is held."""

    question: str | None
    agent_name: str
    _held: str = ""
    _released: list[str] = field(default_factory=list)
    _checker: _Checker | None = None

    def __post_init__(self) -> None:
        self._hold_all = asks_about_nature(self.question)

    def _checking(self, sample: str) -> _Checker:
        if self._checker is None:
            language = language_of(self.question, sample)
            self._checker = _Checker(self.agent_name, self.question or "", language)
        return self._checker

    def _show(self, text: str) -> str:
        self._released.append(text)
        return text

    @property
    def has_text(self) -> bool:
        """Whether the answer holds any text yet (shown or held back)."""
        return bool(self._held.strip()) or any(part.strip() for part in self._released)

    def push(self, delta: str) -> str:
        """The text that may be shown now (maybe empty: it is held until it can be judged)."""
        self._held += delta
        if self._hold_all:
            return ""
        shown = []
        ends = [match.end() for match in _SENTENCE_END.finditer(self._held)]
        # Whitespace at the very end may still grow, or be followed by more of a sentence.
        settled = next((end for end in reversed(ends) if end < len(self._held)), 0)
        if settled:
            complete, self._held = self._held[:settled], self._held[settled:]
            checker = self._checking(complete)
            shown += [self._show(checker.check(s)) for s in split_sentences(complete)]
        safe = _safe_prefix(self._held)
        if safe:
            self._checking(self._held).passed()
            shown.append(self._show(self._held[:safe]))
            self._held = self._held[safe:]
        return "".join(shown)

    def close(self) -> str:
        """The rest of the answer, corrected; call once, after the last delta."""
        held, self._held = self._held, ""
        checker = self._checking(held)
        rest = "".join(self._show(checker.check(s)) for s in split_sentences(held))
        shown = "".join(self._released)
        if not self._hold_all:
            return rest
        if says_ai(shown):
            return shown
        lead = disclosure(self.agent_name, checker.language)
        return f"{lead} {shown}".rstrip() if shown.strip() else lead
