"""Model Markdown for Slack's native streams: still Markdown, notifying nobody, stable by word."""

import random
import re

import pytest

from policies.mrkdwn import to_safe_markdown

pytestmark = pytest.mark.unit

ZWJ = "\u200d"
NOTIFIES = re.compile(
    r"(<|&lt;|&#0*60;|&#x0*3c;)[!@#]|(?<![\w@])@(channel|here|everyone)\b", re.IGNORECASE
)


@pytest.mark.parametrize(
    "hostile",
    ["<!channel>", "<!here>", "<!everyone>", "<!subteam^S012ABC>", "<@U012ABC>",
     "<@U012ABC|bob>", "<#C012ABC>", "&lt;!here&gt;", "&#60;@U012ABC&#62;", "&#x3C;!channel>",
     "@here", "@Channel", "@everyone"],
)  # fmt: skip
def test_mentions_and_broadcasts_are_defused(hostile: str) -> None:
    safe = to_safe_markdown(f"hey {hostile} and `{hostile}`")
    assert NOTIFIES.search(safe) is None
    # Nothing but invisible joiners was added: the text reads the same.
    assert safe.replace(ZWJ, "") == f"hey {hostile} and `{hostile}`"


@pytest.mark.parametrize(
    "markdown",
    ["**bold** and _it_", "# Title\n- item\n1. first", "[docs](https://x.test/a_b?c=1&d=2)",
     "```python\nif a < b and c > d:\n    pass\n```", "a & b < c > d", "ops@here.example"],
)  # fmt: skip
def test_markdown_is_left_for_slack_to_render(markdown: str) -> None:
    assert to_safe_markdown(markdown) == markdown


def test_model_cannot_forge_internal_markers() -> None:
    assert to_safe_markdown("a\ue000b\ue002c") == "abc"


def test_text_cut_after_whitespace_converts_as_a_prefix_of_the_whole() -> None:
    words = ["<!here>", "@channel", "hi", "<@U1>", "**x**", "&lt;!here&gt;", "a<b", "@", "<"]
    rng = random.Random(5)
    for _ in range(300):
        text = "".join(rng.choice(words) + rng.choice([" ", "\n", ""]) for _ in range(12))
        whole = to_safe_markdown(text)
        for cut, char in enumerate(text):
            if char.isspace():
                assert whole.startswith(to_safe_markdown(text[: cut + 1])), text
