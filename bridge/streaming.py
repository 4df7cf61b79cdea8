"""How a reply shows in its thread while the model writes it: a native Slack stream, or a
"Thinking..." placeholder edited in place where the workspace cannot stream.

Native streaming (`chat.startStream`, `chat.appendStream`, `chat.stopStream`):

- Where available is decided per reply: startStream is tried first. If Slack refuses it for
  the app, token or workspace (`unknown_method`, `not_allowed_token_type`, `missing_scope`,
  `feature_not_enabled`, …: `WORKSPACE_REFUSALS`), this reply uses the placeholder and the
  workspace is remembered under a tenant-scoped Redis key for
  `BRIDGE_NATIVE_STREAM_RETRY_SECONDS` (an hour by default), so its next replies go straight
  to the placeholder. Redis rather than process memory because RQ runs every job in a fresh
  work horse and several workers share the queue. Any other refusal (this channel, these
  arguments, a rate limit that outlasted the SDK's retries) falls back for this reply only.
- The stream's `ts` is recorded in the event's reply record like the placeholder's (with
  `mode=stream`) before the model is asked, so a re-run of a job whose worker died never
  starts a second stream: it stops the recorded one (if Slack still holds it open) and puts
  the new answer into that message with `chat.update`, since what the first run appended
  came from another generation.
- `markdown_text` is standard Markdown that Slack renders itself, so the model's Markdown is
  streamed as Markdown, neutralized by `policies.mrkdwn.to_safe_markdown` (no `<!channel>`,
  `<!here>`, `<!everyone>` or user mention notifies anyone); the placeholder path keeps
  converting to mrkdwn. Only settled text (up to the last whitespace) is appended: the first
  words as soon as they settle, then at most once per `BRIDGE_STREAM_UPDATE_SECONDS` with
  the deltas batched (bridge/turns.py paces the progress calls), so no append ever has to
  be taken back. appendStream is Tier 4;
  slack_sdk's retry handler waits out a 429 with its `Retry-After`.
- The final text is the first part of the answer split as on the placeholder path, or the
  same canned text (apology, budget used up, busy) on failure. When it continues what was
  appended, stopStream appends the rest; otherwise (a failure after partial text, a long
  answer cut before where progress reached, a stream Slack closed itself after a few
  minutes) the stream is stopped and the message rewritten with `chat.update`. Further parts
  of a long answer are posted as thread replies, as on the placeholder path.

Feedback: where the place carries a feedback control (the 👍/👎 actions block,
bridge/actions.py), the last part of a model's answer gets it: at the bottom of a stream
(`chat.stopStream` blocks), or as blocks that show the part (a `markdown` block, or mrkdwn
sections of at most 3,000 characters) followed by the control. Canned texts get none.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Protocol

import aiohttp
from redis.asyncio import Redis
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from policies.mrkdwn import (
    APOLOGY_TEXT,
    SLACK_TEXT_LIMIT,
    THINKING_TEXT,
    split_message,
    to_mrkdwn,
    to_safe_markdown,
)

log = logging.getLogger(__name__)

THINKING_STATUS: Final = "is thinking..."
MODE_STREAM: Final = "stream"
MODE_PLACEHOLDER: Final = "placeholder"

# startStream answers meaning this workspace, app or token cannot stream (for a while at least).
WORKSPACE_REFUSALS: Final = frozenset(
    {
        "unknown_method",
        "method_deprecated",
        "not_allowed_token_type",
        "missing_scope",
        "no_permission",
        "feature_not_enabled",
        "not_enabled",
        "team_access_not_granted",
        "access_denied",
        "ekm_access_denied",
        "enterprise_is_restricted",
    }
)
# Slack's limit for the text of one section block.
SECTION_TEXT_LIMIT: Final = 3000

# Slack ends a stream by itself a few minutes after it started (later calls get the first),
# and people can delete it: either way the stream cannot be stopped, only its message replaced.
STREAM_GONE: Final = frozenset({"message_not_in_streaming_state", "message_not_found"})


def _blocks(text: str, markdown: bool, control: dict[str, Any]) -> list[dict[str, Any]]:
    """`text` as blocks (blocks replace a message's text on screen), then `control`."""
    if markdown:
        shown: list[dict[str, Any]] = [{"type": "markdown", "text": text}]
    else:
        shown = [
            {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
            for chunk in split_message(text, SECTION_TEXT_LIMIT)
        ]
    return [*shown, control]


@dataclass(frozen=True)
class Place:
    """Where a reply goes: the workspace's client, the channel and the thread, and the
    feedback control a model's answer ends with (None: none)."""

    slack: AsyncWebClient
    channel: str
    thread_ts: str
    feedback: dict[str, Any] | None = None

    def _body(self, text: str, markdown: bool, control: bool) -> dict[str, Any]:
        if control and self.feedback is not None:
            # `markdown_text` cannot go with blocks: `text` is then the notification fallback.
            return {"text": text, "blocks": _blocks(text, markdown, self.feedback)}
        # slack_sdk leaves out arguments that are None.
        return {"markdown_text": text} if markdown else {"text": text}

    async def post(self, text: str, *, markdown: bool = False, control: bool = False) -> str:
        """A new reply in the thread, as mrkdwn `text` or (`markdown`) standard Markdown,
        with the feedback control under it if `control`."""
        answer = await self.slack.chat_postMessage(
            channel=self.channel, thread_ts=self.thread_ts, **self._body(text, markdown, control)
        )
        return str(answer["ts"])

    async def update(
        self, ts: str, text: str, *, markdown: bool = False, control: bool = False
    ) -> None:
        try:
            await self.slack.chat_update(
                channel=self.channel, ts=ts, **self._body(text, markdown, control)
            )
        except SlackApiError as error:
            if error.response.get("error") != "message_not_found":
                raise
            # Someone deleted the reply: the answer still belongs in the thread.
            await self.post(text, markdown=markdown, control=control)


@dataclass(frozen=True)
class Answer:
    """What to show: the model's Markdown, or a canned mrkdwn text when no answer came."""

    text: str
    from_model: bool


class ThreadReply(Protocol):
    """One reply in a thread: shown while the answer is written, then final, maybe in parts."""

    # Where it is (the bridge also shows an agent's status and approvals there).
    place: Place

    @property
    def mode(self) -> str: ...

    @property
    def ts(self) -> str: ...

    def parts(self, answer: Answer) -> list[str]:
        """The final text, split to fit: what `finish` and then `post_part` show."""
        ...

    async def progress(self, partial: str) -> bool:
        """Show the model's Markdown so far; whether the reply now shows more of it."""
        ...

    async def finish(self, first_part: str) -> None:
        """Make the reply's own message show the final text's first part."""
        ...

    async def post_part(self, part: str) -> None:
        """Post a further part of a long answer in the thread."""
        ...


def _parts(answer: Answer, convert: Callable[[str], str]) -> list[str]:
    chunks = split_message(convert(answer.text)) if answer.from_model else [answer.text]
    # Nothing a person could read survived the conversion.
    return chunks or [APOLOGY_TEXT]


def _last_of_model_answer(answer: Answer, chunks: list[str]) -> str | None:
    """The part the feedback control goes under: the last of a model's answer."""
    return chunks[-1] if answer.from_model else None


@dataclass
class PlaceholderReply:
    """The fallback: a "Thinking..." reply edited with chat.update (the gateway paces edits)."""

    place: Place
    ts: str
    mode: str = MODE_PLACEHOLDER
    _rated: str | None = None

    def parts(self, answer: Answer) -> list[str]:
        chunks = _parts(answer, to_mrkdwn)
        self._rated = _last_of_model_answer(answer, chunks)
        return chunks

    async def progress(self, partial: str) -> bool:
        chunks = split_message(to_mrkdwn(partial))
        if not chunks:
            return False
        await self.place.update(self.ts, chunks[0])
        return True

    async def finish(self, first_part: str) -> None:
        await self.place.update(self.ts, first_part, control=first_part == self._rated)

    async def post_part(self, part: str) -> None:
        await self.place.post(part, control=part == self._rated)


def _settled(partial: str) -> str:
    """The text up to its last whitespace: the words in it can no longer change."""
    # Appends end in whitespace and start with a word: Slack may drop whitespace that leads
    # an append, never a word.
    cut = max(partial.rfind(space) for space in (" ", "\n", "\t"))
    return partial[: cut + 1]


@dataclass
class StreamReply:
    """A native stream; `live` is False on a re-run, which does not know what was appended."""

    place: Place
    ts: str
    live: bool = True
    appended: str = ""
    mode: str = MODE_STREAM
    _rated: str | None = None

    def parts(self, answer: Answer) -> list[str]:
        chunks = _parts(answer, to_safe_markdown)
        self._rated = _last_of_model_answer(answer, chunks)
        return chunks

    async def progress(self, partial: str) -> bool:
        if not self.live:
            return False
        settled = to_safe_markdown(_settled(partial))
        # Past one message's worth the answer will be split: the rest waits for the end.
        if len(settled) > SLACK_TEXT_LIMIT or not settled.startswith(self.appended):
            return False
        delta = settled[len(self.appended) :]
        if not delta.strip():
            return False
        try:
            await self.place.slack.chat_appendStream(
                channel=self.place.channel, ts=self.ts, markdown_text=delta
            )
        except SlackApiError as error:
            # Progress is a courtesy: the final text still comes with stopStream or chat.update.
            log.info("chat.appendStream refused (%s)", error.response.get("error"))
            self.live = False
            return False
        self.appended = settled
        return True

    async def finish(self, first_part: str) -> None:
        control = first_part == self._rated
        if self.live and first_part.startswith(self.appended):
            rest = first_part[len(self.appended) :]
            feedback = self.place.feedback
            try:
                # stopStream's blocks show at the bottom of the finished message.
                await self.place.slack.chat_stopStream(
                    channel=self.place.channel,
                    ts=self.ts,
                    markdown_text=rest or None,
                    blocks=[feedback] if control and feedback is not None else None,
                )
                return
            except SlackApiError as error:
                if error.response.get("error") not in STREAM_GONE:
                    raise
        else:
            await self._stop()
        await self.place.update(self.ts, first_part, markdown=True, control=control)

    async def post_part(self, part: str) -> None:
        await self.place.post(part, markdown=True, control=part == self._rated)

    async def _stop(self) -> None:
        try:
            await self.place.slack.chat_stopStream(channel=self.place.channel, ts=self.ts)
        except SlackApiError as error:
            if error.response.get("error") not in STREAM_GONE:
                raise


async def open_reply(
    place: Place,
    redis: Redis,
    *,
    stream_off_key: str,
    stream_off_seconds: int,
    recipient_user_id: str,
    recipient_team_id: str,
) -> ThreadReply:
    """Start the reply: a native stream where the workspace allows one, else the placeholder."""
    with contextlib.suppress(SlackApiError, aiohttp.ClientError, asyncio.TimeoutError):
        # Only assistant threads show a status; elsewhere Slack refuses, which is fine.
        await place.slack.assistant_threads_setStatus(
            channel_id=place.channel, thread_ts=place.thread_ts, status=THINKING_STATUS
        )
    if not await redis.exists(stream_off_key):
        try:
            started = await place.slack.chat_startStream(
                channel=place.channel,
                thread_ts=place.thread_ts,
                recipient_user_id=recipient_user_id,
                recipient_team_id=recipient_team_id,
            )
        except SlackApiError as error:
            refusal = str(error.response.get("error"))
            log.info("chat.startStream refused (%s): replying with a placeholder", refusal)
            if refusal in WORKSPACE_REFUSALS:
                await redis.set(stream_off_key, refusal, ex=stream_off_seconds)
        else:
            return StreamReply(place, str(started["ts"]))
    return PlaceholderReply(place, await place.post(THINKING_TEXT))


def resume_reply(place: Place, ts: str, mode: str) -> ThreadReply:
    """The reply an earlier run of the same job started and recorded."""
    if mode == MODE_STREAM:
        return StreamReply(place, ts, live=False)
    return PlaceholderReply(place, ts)
