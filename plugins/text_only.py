"""Text-only deployments: message content as one string, for servers that take nothing else.

The bundled local model's server (llama.cpp's) renders its chat template with each
message's content as a string, and fails (500) on OpenAI's list of content parts, which
SDKs send and LiteLLM's Responses-to-chat bridge always produces. A deployment whose
`model_info` says `text_only_content: true` gets its text parts joined into one string,
after the router picked it; a part that is not text is refused as the deployment could
not read it.
"""

from typing import Any

from litellm.integrations.custom_logger import CustomLogger
from litellm.proxy._types import ProxyException


def _as_text(content: Any) -> Any:
    if not isinstance(content, list):
        return content
    texts = []
    for part in content:
        if not isinstance(part, dict) or not isinstance(part.get("text"), str):
            raise ProxyException(
                message="This model reads text only; send the message content as text.",
                type="invalid_request_error",
                param="messages",
                code=400,
                openai_code="unsupported_content",
            )
        texts.append(part["text"])
    return "\n".join(texts)


class TextOnlyContent(CustomLogger):
    async def async_pre_call_deployment_hook(
        self,
        kwargs: dict[str, Any],
        call_type: Any,  # noqa: ARG002
    ) -> dict[str, Any] | None:
        model_info = kwargs.get("model_info") or {}
        messages = kwargs.get("messages")
        if not model_info.get("text_only_content") or not isinstance(messages, list):
            return None
        kwargs["messages"] = [
            {**message, "content": _as_text(message.get("content"))}
            if isinstance(message, dict)
            else message
            for message in messages
        ]
        return kwargs


text_only_content = TextOnlyContent()
