"""Cancelling the asyncio task that awaits a request sends $/cancelRequest; the server's -32800
for it is dropped, and the client goes on working. The mock's gate holds calls in flight."""

from __future__ import annotations

import asyncio

import pytest

from baton_client import RequestCancelled


async def test_cancelling_the_task_cancels_the_request_on_the_server(connect, mock):
    mock.configure(gate=True)
    async with connect() as client:
        call = asyncio.ensure_future(client.complete("held"))
        await mock.wait(gated=1)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        # Baton aborts the HTTP call to the provider: the mock sees the client go away.
        await mock.wait(disconnects=1)
        status = await client.status()
        assert status.requests_in_flight == 1
        mock.configure(gate=False)
        assert (await client.complete("after")).text == "echo: after"


async def test_cancelled_requests_reply_is_swallowed_among_many(connect, mock):
    mock.configure(gate=True)
    async with connect() as client:
        calls = [asyncio.ensure_future(client.complete(f"held {i}")) for i in range(5)]
        await mock.wait(gated=5)
        for call in calls[:3]:
            call.cancel()
        await mock.wait(disconnects=3)
        mock.release()
        done = await asyncio.gather(*calls, return_exceptions=True)
        assert all(isinstance(d, asyncio.CancelledError) for d in done[:3])
        assert [d.text for d in done[3:]] == ["echo: held 3", "echo: held 4"]
        assert (await client.status()).requests_in_flight == 1


async def test_leaving_complete_stream_early_cancels_the_request(connect, mock):
    mock.configure(stall_stream=True, reply_words=20)
    async with connect() as client:
        stream = client.complete_stream("stalls halfway")
        async for item in stream:
            assert isinstance(item, str)
            break
        await stream.aclose()
        await mock.wait(disconnects=1)
        assert (await client.status()).requests_in_flight == 1


async def test_a_request_the_server_cancels_raises_request_cancelled(connect, mock):
    mock.configure(gate=True)
    async with connect() as client:
        call = asyncio.ensure_future(client.complete("held"))
        await mock.wait(gated=1)
        await client.notify("exit")  # exit without shutdown: Baton cancels what is in flight
        with pytest.raises(RequestCancelled) as info:
            await call
        assert info.value.code == -32800
