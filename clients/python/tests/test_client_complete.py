"""complete and models/list against the real binary and the mock LLM server."""

from __future__ import annotations

import json

from baton_client import ChatResult


async def test_complete_returns_a_typed_result(connect):
    async with connect() as client:
        result = await client.complete("What is the capital of France?")
        assert isinstance(result, ChatResult)
        assert result.text == "echo: What is the capital of France?"
        assert result.finish_reason == "stop"
        assert result.model == "mock-model"
        assert result.usage.input_tokens > 0 and result.usage.output_tokens > 0
        assert result.tool_calls == []
        assert result.raw["text"] == result.text


async def test_complete_sends_the_parameters_in_camel_case(connect, mock):
    async with connect() as client:
        await client.complete("hi", system="be brief", max_tokens=7, temperature=0.5, stop=["\n"])
        body = mock.log()[-1]["body"]
        assert body["max_tokens"] == 7 or body.get("max_completion_tokens") == 7
        assert body["temperature"] == 0.5
        assert body["messages"][0] == {"role": "system", "content": "be brief"}
        assert body["messages"][-1]["content"] == "hi"


async def test_complete_with_messages_and_a_schema(connect):
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    async with connect() as client:
        result = await client.complete(messages=[{"role": "user", "content": "Where?"}], schema=schema,
                                       schema_name="answer")
        assert set(json.loads(result.text)) == {"city"}


async def test_streamed_complete_calls_on_delta_in_order(connect, mock):
    mock.configure(reply_words=12)
    async with connect() as client:
        deltas = []
        result = await client.complete("stream this", on_delta=deltas.append)
        assert len(deltas) > 1
        assert "".join(deltas) == result.text
        assert mock.log()[-1]["body"]["stream"] is True


async def test_async_on_delta_is_run_as_a_task(connect):
    async with connect() as client:
        seen = []

        async def on_delta(text):
            seen.append(text)

        result = await client.complete("async hook", on_delta=on_delta)
        await client.status()  # a round trip later, every delta task has run
        assert "".join(seen) == result.text


async def test_complete_stream_yields_deltas_then_the_result(connect, mock):
    mock.configure(reply_words=5)
    async with connect() as client:
        items = [item async for item in client.complete_stream("iterate")]
        *deltas, result = items
        assert isinstance(result, ChatResult)
        assert all(isinstance(d, str) for d in deltas) and len(deltas) > 1
        assert "".join(deltas) == result.text


async def test_models_list_names_the_mock_provider_and_default(connect):
    async with connect() as client:
        models = await client.models_list()
        assert models.default_model == "mock:mock-model"
        mock_provider = models.provider("mock")
        assert mock_provider is not None
        assert mock_provider.kind == "openai"
        assert mock_provider.models == ["mock-model"]
        assert mock_provider.models_source == "endpoint"
        assert mock_provider.has_key is False
        openai = models.provider("openai")
        assert openai is not None and openai.base_url.startswith("https://")
