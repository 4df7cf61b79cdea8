"""Markdown → Slack mrkdwn, neutralized mentions, message splitting and the canned texts."""

import random
import re

import pytest

from policies.mrkdwn import (
    APOLOGY_TEXT,
    BUDGET_EXHAUSTED_TEXT,
    BUSY_TEXT,
    SLACK_TEXT_LIMIT,
    THINKING_TEXT,
    rate_limited_text,
    split_message,
    to_mrkdwn,
)

pytestmark = pytest.mark.unit

ZWJ = "\u200d"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("**bold**", "*bold*"),
        ("__bold__", "*bold*"),
        ("*italic*", "_italic_"),
        ("_italic_", "_italic_"),
        ("***both***", "*_both_*"),
        ("~~gone~~", "~gone~"),
        ("a **b** *c* d", "a *b* _c_ d"),
        ("# Title", "*Title*"),
        ("### Sub title ###", "*Sub title*"),
        ("## A **strong** title", "*A strong title*"),
        ("#hashtag", "#hashtag"),
        ("- one\n- two", "• one\n• two"),
        ("* one\n  + nested", "• one\n  • nested"),
        ("1. first", "1. first"),
        ("> quoted", "> quoted"),
        ("[docs](https://example.com/a_b)", "<https://example.com/a_b|docs>"),
        ("![chart](http://x.test/c.png)", "<http://x.test/c.png|chart>"),
        ("[mail](mailto:a@b.test)", "<mailto:a@b.test|mail>"),
        ("[wiki](https://en.wikipedia.org/wiki/Foo_(bar))",
         "<https://en.wikipedia.org/wiki/Foo_(bar)|wiki>"),
        ("<https://example.com>", "<https://example.com>"),
        ("2 * 3 * 4 = 24", "2 * 3 * 4 = 24"),
        ("snake_case_name and a__b__c", "snake_case_name and a__b__c"),
        ("plain text", "plain text"),
    ],
)  # fmt: skip
def test_markdown_conversion(markdown: str, expected: str) -> None:
    assert to_mrkdwn(markdown) == expected


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("a & b < c > d", "a &amp; b &lt; c &gt; d"),
        ("AT&T", "AT&amp;T"),
        ("[q](https://x.test/?a=1&b=2)", "<https://x.test/?a=1&amp;b=2|q>"),
        ("[a <b> & c](https://x.test)", "<https://x.test|a &lt;b&gt; &amp; c>"),
        ("[x](https://x.test/a|b>c)", "<https://x.test/a%7Cb%3Ec|x>"),
    ],
)
def test_escaping_keeps_generated_links_intact(markdown: str, expected: str) -> None:
    assert to_mrkdwn(markdown) == expected


@pytest.mark.parametrize(
    "hostile",
    ["<!channel>", "<!here>", "<!everyone>", "<!subteam^S012ABC>", "<!subteam^S01|@devs>",
     "<@U012ABC>", "<@U012ABC|bob>", "<#C012ABC>", "<!date^1392734382^{date}|x>"],
)  # fmt: skip
def test_bracketed_mentions_and_broadcasts_are_defused(hostile: str) -> None:
    converted = to_mrkdwn(f"hey {hostile} there")
    assert "<" not in converted
    assert ">" not in converted
    assert converted == f"hey {hostile.replace('<', '&lt;').replace('>', '&gt;')} there"


@pytest.mark.parametrize("word", ["@channel", "@here", "@everyone", "@HERE", "@Channel"])
def test_bare_broadcasts_are_defused(word: str) -> None:
    converted = to_mrkdwn(f"{word} please look, cc {word}!")
    assert re.search(r"@(channel|here|everyone)\b", converted, re.IGNORECASE) is None
    assert converted.replace(ZWJ, "") == f"{word} please look, cc {word}!"


def test_bare_broadcasts_are_defused_in_code_too() -> None:
    converted = to_mrkdwn("`@here`\n```\nnotify(@channel)\n```")
    assert re.search(r"@(channel|here)\b", converted) is None


def test_email_addresses_are_not_touched() -> None:
    assert to_mrkdwn("mail ops@here.example") == "mail ops@here.example"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[x](!here)", "[x](!here)"),
        ("[x](@U012ABC)", "[x](@U012ABC)"),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
    ],
)
def test_links_to_non_web_targets_stay_plain_text(markdown: str, expected: str) -> None:
    converted = to_mrkdwn(markdown)
    assert converted == expected
    assert "<" not in converted


def test_code_spans_are_not_converted() -> None:
    assert to_mrkdwn("run `**kwargs` and `a_b_c` or ``x`y``") == (
        "run `**kwargs` and `a_b_c` or ``x`y``"
    )
    assert to_mrkdwn("`[a](https://x.test)` vs [a](https://x.test)") == (
        "`[a](https://x.test)` vs <https://x.test|a>"
    )


def test_code_spans_are_still_escaped() -> None:
    assert to_mrkdwn("`if a < b && c`") == "`if a &lt; b &amp;&amp; c`"


def test_fenced_code_block_is_kept_verbatim() -> None:
    markdown = (
        "Try this:\n```python\n# not a heading\n- not a bullet\nx = **kw  # *no*\n```\n**done**"
    )
    assert to_mrkdwn(markdown) == (
        "Try this:\n```\n# not a heading\n- not a bullet\nx = **kw  # *no*\n```\n*done*"
    )


def test_tilde_fences_and_indented_close() -> None:
    assert to_mrkdwn("~~~\n~~x~~\n  ~~~\n~~y~~") == "```\n~~x~~\n```\n~y~"


def test_unclosed_fence_runs_to_the_end() -> None:
    assert to_mrkdwn("text\n```\n**a**\n# b") == "text\n```\n**a**\n# b\n```"


def test_code_block_is_escaped() -> None:
    assert to_mrkdwn("```\n<!here> a && b\n```") == "```\n&lt;!here&gt; a &amp;&amp; b\n```"


def test_model_cannot_forge_internal_markers() -> None:
    assert to_mrkdwn("\ue0000\ue001 and \ue002x\ue002 `c`") == "0 and x `c`"


def test_constants_and_canned_texts() -> None:
    assert SLACK_TEXT_LIMIT == 3900
    assert THINKING_TEXT == "Thinking..."
    assert "budget" in BUDGET_EXHAUSTED_TEXT
    assert "month" in BUDGET_EXHAUSTED_TEXT
    assert "admin" in BUDGET_EXHAUSTED_TEXT
    assert "Sorry" in APOLOGY_TEXT
    assert "try again" in APOLOGY_TEXT
    assert "try again" in BUSY_TEXT
    assert "try again" in rate_limited_text()
    for text in (BUDGET_EXHAUSTED_TEXT, APOLOGY_TEXT, BUSY_TEXT, rate_limited_text()):
        assert to_mrkdwn(text) == text


def squash(text: str) -> str:
    return "".join(text.split())


def test_short_text_is_one_message() -> None:
    assert split_message("hello\n\nworld") == ["hello\n\nworld"]
    assert split_message("x" * SLACK_TEXT_LIMIT) == ["x" * SLACK_TEXT_LIMIT]


def test_blank_text_is_no_message() -> None:
    assert split_message("") == []
    assert split_message(" \n\n ") == []


def test_limit_must_leave_room_for_fences() -> None:
    with pytest.raises(ValueError, match="limit"):
        split_message("hello", limit=5)


def test_splits_between_paragraphs_first() -> None:
    text = "alpha beta gamma\nsecond line\n\ndelta epsilon\n\nzeta"
    assert split_message(text, limit=30) == [
        "alpha beta gamma\nsecond line",
        "delta epsilon\n\nzeta",
    ]


def test_splits_long_paragraph_between_lines_then_words() -> None:
    text = "one two three four\nfive six"
    assert split_message(text, limit=16) == ["one two three", "four\nfive six"]


def test_long_word_is_cut_hard() -> None:
    assert split_message("a" * 40, limit=16) == ["a" * 16, "a" * 16, "a" * 8]


def test_hard_cut_never_splits_an_entity() -> None:
    chunks = split_message("x" * 14 + "&amp;" + "y" * 10, limit=16)
    assert chunks == ["x" * 14, "&amp;" + "y" * 10]


def test_links_are_never_split_between_words() -> None:
    link = "<https://x.test/page|the full report>"
    # Cutting at every space would give "intro words <https://x.test/page|the" first.
    chunks = split_message(f"intro words {link} tail", limit=len(link) + 1)
    assert chunks == ["intro words", link, "tail"]


def test_code_block_that_fits_moves_whole_to_the_next_message() -> None:
    code = "```\nprint(1)\nprint(2)\n```"
    text = "intro paragraph here\n" + code + "\nafter"
    assert split_message(text, limit=len(code) + 6) == ["intro paragraph here", code + "\nafter"]


def test_oversized_code_block_is_closed_and_reopened() -> None:
    body = [f"line {index}" for index in range(10)]
    text = "```\n" + "\n".join(body) + "\n```"
    chunks = split_message(text, limit=30)
    assert len(chunks) > 1
    for chunk in chunks:
        assert len(chunk) <= 30
        assert chunk.startswith("```\n")
        assert chunk.endswith("\n```")
    reassembled = [line for chunk in chunks for line in chunk.split("\n")[1:-1]]
    assert reassembled == body


def random_text(rng: random.Random) -> str:
    words = ["a", "lorem", "ipsum", "*bold*", "&amp;", "<https://x.test|a link>", "@\u200dhere",
             "x" * rng.randint(1, 80), "supercalifragilistic"]  # fmt: skip
    blocks = []
    for _ in range(rng.randint(1, 30)):
        if rng.random() < 0.2:
            lines = [" ".join(rng.choices(words, k=rng.randint(0, 8))) for _ in range(8)]
            blocks.append("```\n" + "\n".join(lines) + "\n```")
        else:
            lines = [
                " " * rng.randint(0, 2) + " ".join(rng.choices(words, k=rng.randint(1, 15)))
                for _ in range(rng.randint(1, 5))
            ]
            blocks.append("\n".join(lines))
    separators = ["\n", "\n\n", "\n\n\n", "\n \n"]
    return "".join(block + rng.choice(separators) for block in blocks)


def fence_lines(text: str) -> int:
    return sum(1 for line in text.split("\n") if line.startswith("```"))


@pytest.mark.parametrize("seed", range(200))
def test_random_texts_split_within_limit_and_lose_nothing(seed: int) -> None:
    rng = random.Random(seed)
    text = random_text(rng)
    limit = rng.choice([16, 40, 100, 400, SLACK_TEXT_LIMIT])
    chunks = split_message(text, limit=limit)
    assert chunks
    assert all(0 < len(chunk) <= limit for chunk in chunks)
    assert all(chunk.strip() for chunk in chunks)
    # Only fences added to close and reopen a split code block are new, and only
    # whitespace at the cuts is gone.
    assert squash("".join(chunks).replace("```", "")) == squash(text.replace("```", ""))
    assert all(fence_lines(chunk) % 2 == 0 for chunk in chunks)
