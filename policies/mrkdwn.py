"""Model Markdown to Slack mrkdwn (or to stream Markdown) that notifies nobody, split to fit."""

import re
from collections.abc import Callable
from typing import Final

SLACK_TEXT_LIMIT: Final = 3900

THINKING_TEXT: Final = "Thinking..."
BUDGET_EXHAUSTED_TEXT: Final = (
    "Your team's AI budget for this month is used up, so I can't answer right now. "
    "An admin can raise the monthly budget in the Konstruct portal."
)
APOLOGY_TEXT: Final = "Sorry, I couldn't answer that right now. Please try again in a moment."
BUSY_TEXT: Final = (
    "I'm getting more requests than I can handle at the moment. "
    "Please try again in a minute, thanks for your patience."
)


def rate_limited_text() -> str:
    """What the agent says when a tenant or channel sends more messages than its limit allows."""
    return (
        "I'm receiving a lot of messages right now and need a short breather. "
        "Please try again in a minute."
    )


# Private-use characters mark text that is already final (code, links) and bold we produced;
# they are dropped from the input first so the model cannot forge them.
_HOLD_OPEN: Final = "\ue000"
_HOLD_CLOSE: Final = "\ue001"
_BOLD: Final = "\ue002"
_MARKERS = re.compile("[\ue000-\ue002]")
_HELD = re.compile(f"{_HOLD_OPEN}(\\d+){_HOLD_CLOSE}")

_FENCE_OPEN = re.compile(r" {0,3}(`{3,}(?=[^`]*$)|~{3,})")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_LINK = re.compile(r"!?\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^\s<>]+)>")
_SAFE_URL = re.compile(r"(?:https?://|mailto:)\S+", re.IGNORECASE)
# Slack notifies for bare @here only when asked to parse names, but a model must never be able
# to page a whole channel, so a zero-width joiner after '@' defuses them whatever the caller asks.
_BARE_BROADCAST = re.compile(r"(?<![\w@])@(channel|here|everyone)\b", re.IGNORECASE)
_ZWJ: Final = "\u200d"

_HEADING = re.compile(r" {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+")
_QUOTE = re.compile(r"^([ \t]*)&gt;")
_INLINE: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*"), f"{_BOLD}_\\1_{_BOLD}"),
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), f"{_BOLD}\\1{_BOLD}"),
    (re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), f"{_BOLD}\\1{_BOLD}"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"_\1_"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"~\1~"),
)


def _make_safe(text: str) -> str:
    # Escaping '<' and '>' is also what defuses <!channel>, <!here>, <!subteam^…> and <@U…>.
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BARE_BROADCAST.sub(lambda match: f"@{_ZWJ}{match.group(1)}", escaped)


def _slack_url(url: str) -> str:
    # '|' and '>' would end the URL part of <url|label> early.
    return url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")


def _link(label: str, url: str, original: str) -> str:
    # Only real web and mail links become Slack links: "[x](!here)" or "[x](@U123)" would
    # otherwise turn into <!here|x> or <@U123|x>.
    if not _SAFE_URL.fullmatch(url):
        return _make_safe(original)
    return f"<{_slack_url(url)}|{_make_safe(label)}>"


def _convert_line(line: str) -> str:
    heading = _HEADING.fullmatch(line)
    if heading:
        title = re.sub(r"\*\*|__", "", heading.group(1))
        return f"{_BOLD}{title}{_BOLD}" if title else ""
    line = _BULLET.sub(r"\1• ", line)
    # A quote marker is the one '>' Slack should see unescaped.
    return _QUOTE.sub(r"\1>", line)


def _convert_prose(text: str) -> str:
    held: list[str] = []

    def hold(final: str) -> str:
        held.append(final)
        return f"{_HOLD_OPEN}{len(held) - 1}{_HOLD_CLOSE}"

    text = _CODE_SPAN.sub(lambda match: hold(_make_safe(match.group())), text)
    text = _LINK.sub(lambda match: hold(_link(match.group(1), match.group(2), match.group())), text)
    text = _AUTOLINK.sub(lambda match: hold(f"<{_slack_url(match.group(1))}>"), text)
    text = "\n".join(_convert_line(line) for line in _make_safe(text).split("\n"))
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    text = text.replace(_BOLD, "*")
    return _HELD.sub(lambda match: held[int(match.group(1))], text)


def _is_fence_close(line: str, fence: str) -> bool:
    return re.fullmatch(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*", line) is not None


def to_mrkdwn(markdown: str) -> str:
    """Convert Markdown to Slack mrkdwn; code is kept verbatim, escaped only as Slack requires."""
    lines = _MARKERS.sub("", markdown).split("\n")
    out: list[str] = []
    prose: list[str] = []
    index = 0
    while index < len(lines):
        fence = _FENCE_OPEN.match(lines[index])
        if fence is None:
            prose.append(lines[index])
            index += 1
            continue
        if prose:
            out.append(_convert_prose("\n".join(prose)))
            prose = []
        end = index + 1
        while end < len(lines) and not _is_fence_close(lines[end], fence.group(1)):
            end += 1
        # Slack shows a language tag as code, so the opening fence loses it; an unclosed
        # fence runs to the end, as in Markdown.
        body = "\n".join(lines[index + 1 : end])
        out.append(f"```\n{_make_safe(body)}\n```")
        index = end + 1
    if prose:
        out.append(_convert_prose("\n".join(prose)))
    return "\n".join(out)


# "<" (or an HTML entity for it) opening <!here>, <!subteam^…>, <@U…> or <#C…>.
_MENTION_OPEN = re.compile(r"(<|&lt;|&#0*60;|&#x0*3c;)(?=[!@#])", re.IGNORECASE)


def to_safe_markdown(markdown: str) -> str:
    """Model Markdown for Slack's native streams (`markdown_text`), made to notify nobody.

    Slack renders `markdown_text` as standard Markdown itself, so the text stays Markdown; a
    zero-width joiner after the `<` of `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>`,
    `<@U…>` or `<#C…>` (or after the `@` of a bare @here) defuses each of them. Every
    replacement looks at one word only, so text cut after whitespace converts exactly as it
    does inside the whole text: a stream can append the converted text piece by piece.
    """
    text = _MENTION_OPEN.sub(lambda match: f"{match.group(1)}{_ZWJ}", _MARKERS.sub("", markdown))
    return _BARE_BROADCAST.sub(lambda match: f"@{_ZWJ}{match.group(1)}", text)


# Below this a code block's fences would leave no room for its content.
_MIN_LIMIT: Final = 16
_CODE_FENCE: Final = "```"
_SPLIT_FENCE_OPEN = re.compile(r"```[^`]*")
_SPLIT_FENCE_CLOSE = re.compile(r"```[ \t]*")
# A word never ends inside <url|label with spaces>, or the link would break across messages.
_WORD = re.compile(r"(?:<[^<>\n]*>|\S)+")
_ENTITY = re.compile(r"&(?:amp|lt|gt);")

# (separator before the piece, piece): joining them reproduces the text exactly.
_Units = list[tuple[str, str]]


def _pack(units: _Units, limit: int, split_oversized: Callable[[str], list[str]]) -> list[str]:
    """Greedily join units into chunks of at most `limit`; separators at cuts are dropped."""
    chunks: list[str] = []
    current: str | None = None
    for separator, piece in units:
        if current is not None and len(current) + len(separator) + len(piece) <= limit:
            current += separator + piece
            continue
        if current is not None:
            chunks.append(current)
        if len(piece) <= limit:
            current = piece
        else:
            *whole, current = split_oversized(piece)
            chunks.extend(whole)
    if current is not None:
        chunks.append(current)
    return chunks


def _hard_cut(text: str, limit: int) -> list[str]:
    parts = []
    while len(text) > limit:
        cut = limit
        for entity in _ENTITY.finditer(text, max(0, limit - 4), limit + 4):
            # Never leave "&am" in one message and "p;" in the next.
            if entity.start() < limit < entity.end():
                cut = entity.start()
        parts.append(text[:cut])
        text = text[cut:]
    return [*parts, text]


def _split_line(line: str, limit: int) -> list[str]:
    units: _Units = []
    previous_end = 0
    for word in _WORD.finditer(line):
        units.append((line[previous_end : word.start()] if units else "", word.group()))
        previous_end = word.end()
    return _pack(units, limit, lambda word: _hard_cut(word, limit))


def _split_paragraph(paragraph: str, limit: int) -> list[str]:
    units = [("\n" if index else "", line) for index, line in enumerate(paragraph.split("\n"))]
    return _pack(units, limit, lambda line: _split_line(line, limit))


def _split_code(block: str, limit: int) -> list[str]:
    lines = block.split("\n")
    closed = len(lines) > 1 and _SPLIT_FENCE_CLOSE.fullmatch(lines[-1]) is not None
    body = lines[1:-1] if closed else lines[1:]
    # Each part is closed and the next reopened, so no message leaves a fence dangling.
    budget = limit - len(f"{_CODE_FENCE}\n\n{_CODE_FENCE}")
    units = [("\n" if index else "", line) for index, line in enumerate(body)]
    parts = _pack(units, budget, lambda line: _hard_cut(line, budget))
    return [f"{_CODE_FENCE}\n{part}\n{_CODE_FENCE}" for part in parts]


def _blocks(text: str) -> _Units:
    """Paragraphs and whole fenced code blocks, each with the blank lines before it."""
    units: _Units = []
    current: list[str] = []
    blank: list[str] = []
    in_code = False

    def finish() -> None:
        nonlocal current, blank
        if current:
            separator = "".join(f"\n{line}" for line in blank) + "\n" if units else ""
            units.append((separator, "\n".join(current)))
            current, blank = [], []

    for line in text.split("\n"):
        if in_code:
            current.append(line)
            if _SPLIT_FENCE_CLOSE.fullmatch(line):
                finish()
                in_code = False
        elif _SPLIT_FENCE_OPEN.fullmatch(line):
            finish()
            current.append(line)
            in_code = True
        elif not line.strip():
            finish()
            blank.append(line)
        else:
            current.append(line)
    finish()
    return units


def split_message(text: str, limit: int = SLACK_TEXT_LIMIT) -> list[str]:
    """Split mrkdwn into messages of at most `limit` characters.

    Cuts fall between paragraphs, then lines, then words; code blocks stay whole when they fit
    and are closed and reopened when they do not. Only whitespace at the cuts is lost.
    Fences must sit on their own lines, as `to_mrkdwn` writes them.
    """
    if limit < _MIN_LIMIT:
        raise ValueError(f"limit must be at least {_MIN_LIMIT}: {limit}")
    if not text.strip():
        return []
    if len(text) <= limit:
        return [text]

    def split_block(block: str) -> list[str]:
        if _SPLIT_FENCE_OPEN.fullmatch(block.split("\n", 1)[0]):
            return _split_code(block, limit)
        return _split_paragraph(block, limit)

    return [chunk for chunk in _pack(_blocks(text), limit, split_block) if chunk.strip()]
