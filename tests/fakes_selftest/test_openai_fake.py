"""The real ``openai`` SDK against the OpenAI fake."""

from __future__ import annotations

import time

import httpx
import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

from tests.fakes.fixtures import OPENAI_PLATFORM_KEY
from tests.fakes.openai import OpenAIFake

pytestmark = pytest.mark.unit

MESSAGES: list[ChatCompletionMessageParam] = [
    {"role": "system", "content": "You are Ava, an AI employee."},
    {"role": "user", "content": "Hi!"},
]


def _client(fake: OpenAIFake, key: str = OPENAI_PLATFORM_KEY) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{fake.url}/v1", api_key=key, max_retries=0)


def test_non_stream_completion(fake_openai: OpenAIFake) -> None:
    client = _client(fake_openai)
    resp = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert resp.object == "chat.completion"
    assert resp.id.startswith("chatcmpl-")
    assert resp.model == "gpt-4o-mini"
    assert resp.choices[0].message.role == "assistant"
    assert resp.choices[0].message.content == "Hello from fake-openai"
    assert resp.choices[0].finish_reason == "stop"
    assert resp.usage is not None
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (11, 7)
    assert resp.usage.total_tokens == 18

    second = client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert second.id != resp.id

    (first_call, _) = fake_openai.model_calls()
    assert first_call.bearer == OPENAI_PLATFORM_KEY
    assert first_call.json["messages"] == MESSAGES
    assert fake_openai.system_prompts() == ["You are Ava, an AI employee."] * 2


def test_stream_with_usage(fake_openai: OpenAIFake) -> None:
    fake_openai.configure(reply_text="one two three four five six", completion_tokens=3)
    stream = _client(fake_openai).chat.completions.create(
        model="gpt-4o-mini",
        messages=MESSAGES,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    deltas = [c.choices[0].delta.content or "" for c in chunks if c.choices]
    assert "".join(deltas) == "one two three four five six"
    assert len([d for d in deltas if d]) > 1
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens) == (11, 3)
    assert len({c.id for c in chunks}) == 1


def test_stream_without_usage_has_no_usage_chunk(fake_openai: OpenAIFake) -> None:
    stream = _client(fake_openai).chat.completions.create(
        model="gpt-4o",
        messages=MESSAGES,
        stream=True,
    )
    chunks = list(stream)
    assert all(c.choices for c in chunks)
    assert all(c.usage is None for c in chunks)


def test_echo_system(fake_openai: OpenAIFake) -> None:
    fake_openai.echo_system = True
    resp = _client(fake_openai).chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert resp.choices[0].message.content is not None
    assert "You are Ava, an AI employee." in resp.choices[0].message.content


def test_fail_status_and_fail_times(fake_openai: OpenAIFake) -> None:
    fake_openai.configure(fail_status=500, fail_times=2)
    client = _client(fake_openai)
    for _ in range(2):
        with pytest.raises(openai.InternalServerError) as exc:
            client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        assert exc.value.status_code == 500
        body = exc.value.body
        assert isinstance(body, dict)
        assert set(body) >= {"message", "type", "code"}
    resp = client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert resp.choices[0].message.content == "Hello from fake-openai"
    assert len(fake_openai.model_calls()) == 3


def test_rate_limit_has_retry_after(fake_openai: OpenAIFake) -> None:
    fake_openai.fail_status = 429
    resp = httpx.post(
        f"{fake_openai.url}/v1/chat/completions",
        json={"model": "gpt-4o", "messages": MESSAGES},
        headers={"Authorization": f"Bearer {OPENAI_PLATFORM_KEY}"},
    )
    assert resp.status_code == 429
    assert resp.headers["retry-after"] == "1"
    assert resp.json()["error"]["code"] == "rate_limit_exceeded"


def test_the_session_fake_requires_the_platform_key_even_after_a_reset(
    fake_openai: OpenAIFake,
) -> None:
    fake_openai.reset()
    with pytest.raises(openai.AuthenticationError) as caught:
        _client(fake_openai, key="sk-wrong").chat.completions.create(
            model="gpt-4o", messages=MESSAGES
        )
    assert caught.value.code == "invalid_api_key"
    ok = _client(fake_openai).chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert ok.choices[0].message.content
    assert [c.bearer for c in fake_openai.model_calls()] == ["sk-wrong", OPENAI_PLATFORM_KEY]


def test_an_unknown_model_is_404_model_not_found(fake_openai: OpenAIFake) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        _client(fake_openai).chat.completions.create(model="gpt-nope", messages=MESSAGES)
    assert caught.value.code == "model_not_found"
    assert "`gpt-nope` does not exist" in caught.value.message
    with pytest.raises(openai.NotFoundError):
        _client(fake_openai).models.retrieve("gpt-nope")
    assert _client(fake_openai).models.retrieve("gpt-4o").id == "gpt-4o"


def test_one_model_can_fail_while_the_other_answers(fake_openai: OpenAIFake) -> None:
    fake_openai.configure(fail_models={"gpt-4o": 500})
    with pytest.raises(openai.InternalServerError):
        _client(fake_openai).chat.completions.create(model="gpt-4o", messages=MESSAGES)
    ok = _client(fake_openai).chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert ok.choices[0].message.content == "Hello from fake-openai"


def test_a_stream_dropped_mid_answer(fake_openai: OpenAIFake) -> None:
    fake_openai.configure(reply_text="one two three four", stream_error_after=2)
    stream = _client(fake_openai).chat.completions.create(
        model="gpt-4o", messages=MESSAGES, stream=True
    )
    got: list[str] = []
    last_delta = time.monotonic()
    with pytest.raises(openai.APIConnectionError):
        for chunk in stream:
            got.append(chunk.choices[0].delta.content or "")
            last_delta = time.monotonic()
    assert "".join(got) == "one two "
    # Not together with the deltas: a proxy must have had the time to pass them on.
    assert time.monotonic() - last_delta >= OpenAIFake.stream_failure_pause * 0.9


def test_delay_seconds(fake_openai: OpenAIFake) -> None:
    fake_openai.delay_seconds = 0.3
    started = time.monotonic()
    _client(fake_openai).chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert time.monotonic() - started >= 0.3


def test_models_and_a_path_without_v1_refused_as_openai_does(fake_openai: OpenAIFake) -> None:
    models = _client(fake_openai).models.list()
    assert [m.id for m in models] == ["gpt-4o-mini", "gpt-4o"]
    client = openai.OpenAI(base_url=fake_openai.url, api_key=OPENAI_PLATFORM_KEY, max_retries=0)
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert caught.value.body == {
        "message": "Invalid URL (POST /chat/completions)",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
    assert fake_openai.model_calls() == []


async def test_async_client_stream(fake_openai: OpenAIFake) -> None:
    client = openai.AsyncOpenAI(
        base_url=f"{fake_openai.url}/v1", api_key=OPENAI_PLATFORM_KEY, max_retries=0
    )
    stream = await client.chat.completions.create(
        model="gpt-4o",
        messages=MESSAGES,
        stream=True,
        stream_options={"include_usage": True},
    )
    text = ""
    usage = None
    async for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
        if chunk.usage is not None:
            usage = chunk.usage
    await client.close()
    assert text == "Hello from fake-openai"
    assert usage is not None
    assert usage.total_tokens == 18


def test_reset_between_tests_restores_defaults(fake_openai: OpenAIFake) -> None:
    assert fake_openai.fail_status is None
    assert fake_openai.requests == []
    assert fake_openai.knobs()["prompt_tokens"] == 11


def test_a_response_echoes_its_metadata_within_openais_limits(fake_openai: OpenAIFake) -> None:
    responses = _client(fake_openai).responses
    tags = {f"tag_{n:02}": "x" * 512 for n in range(16)}
    made = responses.create(model="gpt-4o-mini", input="Hi!", metadata=tags)
    assert made.metadata == tags
    assert responses.retrieve(made.id).metadata == tags
    for refused, param in (
        ({**tags, "one_more": "x"}, "metadata"),
        ({"k" * 65: "x"}, "metadata"),
        ({"tag": "x" * 513}, "metadata.tag"),
    ):
        with pytest.raises(openai.BadRequestError) as caught:
            responses.create(model="gpt-4o-mini", input="Hi!", metadata=refused)
        assert caught.value.param == param
    assert len(fake_openai.stored_responses) == 1, "a refused request stores nothing"
