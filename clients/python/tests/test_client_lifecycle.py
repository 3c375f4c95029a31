"""Lifecycle against the real binary: initialize, status, shutdown/exit codes, closing, spawning."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

import pytest

from baton_client import (
    BatonClient, ConnectionClosed, InvalidRequest, NotInitialized, find_binary,
)
from baton_client.binary import BinaryNotFound


async def test_initialize_reports_server_and_methods(connect):
    async with connect(initialize=False) as client:
        result = await client.initialize()
        assert result.server_name == "baton"
        assert result.protocol_version == "1.0"
        assert {"baton/status", "complete", "models/list"} <= set(result.methods)
        assert client.server_methods == result.methods
        assert "$/cancelRequest" in result.capabilities["cancellation"]


async def test_requests_before_initialize_fail_with_not_initialized(connect):
    async with connect(initialize=False) as client:
        with pytest.raises(NotInitialized) as info:
            await client.status()
        assert info.value.code == -32002


async def test_status_describes_the_spawned_process(connect):
    async with connect() as client:
        status = await client.status()
        assert status.name == "baton"
        assert status.framing == "ndjson"
        assert status.requests_in_flight == 1
        assert status.process_id == client.process.pid
        assert status.uptime_seconds >= 0


async def test_shutdown_then_exit_ends_with_code_0(connect):
    async with connect() as client:
        await client.shutdown()
        with pytest.raises(InvalidRequest):
            await client.status()
        assert await client.exit() == 0


async def test_exit_without_shutdown_ends_with_code_1(connect):
    async with connect() as client:
        assert await client.exit() == 1


async def test_close_shuts_down_in_order(connect):
    async with connect() as client:
        await client.status()
    assert client.process.returncode == 0
    with pytest.raises(ConnectionClosed):
        await client.status()


async def test_async_with_initializes_and_closes(baton_binary, mock, tmp_path):
    client = await BatonClient.spawn(baton_binary, config=mock.config_for_baton(), cwd=tmp_path)
    async with client:
        assert client.initialize_result is not None
        assert (await client.status()).name == "baton"
    assert client.process.returncode == 0


async def test_config_dict_is_written_to_a_temporary_file_and_removed(connect, mock):
    async with connect() as client:
        models = await client.models_list()
        assert models.default_model == "mock:mock-model"
        args = Path(f"/proc/{client.process.pid}/cmdline").read_bytes().split(b"\0")
        temp = args[args.index(b"--config") + 1].decode()
        assert os.path.exists(temp)
    assert not os.path.exists(temp)


async def test_env_adds_to_the_environment_and_none_removes(baton_binary, tmp_path):
    env = {"BATON_MODEL": "local:from-env", "BATON_CONFIG": None, "XDG_CONFIG_HOME": str(tmp_path)}
    async with await BatonClient.spawn(baton_binary, env=env, cwd=tmp_path) as client:
        assert (await client.models_list()).default_model == "local:from-env"
        environ = Path(f"/proc/{client.process.pid}/environ").read_bytes().split(b"\0")
        assert b"PATH=" + os.environ["PATH"].encode() in environ
        assert not any(e.startswith(b"BATON_CONFIG=") for e in environ)


async def test_requests_in_flight_fail_with_connection_closed_when_baton_dies(connect, mock):
    mock.configure(gate=True)
    async with connect() as client:
        call = asyncio.ensure_future(client.complete("held"))
        await mock.wait(gated=1)
        client.process.kill()
        with pytest.raises(ConnectionClosed):
            await call
        with pytest.raises(ConnectionClosed):
            await client.status()


def test_find_binary_prefers_argument_then_env(monkeypatch, tmp_path):
    monkeypatch.setenv("BATON_BINARY", "/from/env/baton")
    assert find_binary("/given/baton") == "/given/baton"
    assert find_binary() == "/from/env/baton"


def test_find_binary_falls_back_to_path_then_checkout_build(monkeypatch, tmp_path):
    monkeypatch.delenv("BATON_BINARY", raising=False)
    fake = tmp_path / "baton"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_binary() == str(fake)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    repo = Path(__file__).resolve().parents[3]
    builds = [repo / ".build" / c / "baton" for c in ("release", "debug")]
    expected = next((str(b) for b in builds if os.access(b, os.X_OK)), None)
    if expected is None:
        with pytest.raises(BinaryNotFound):
            find_binary()
    else:
        assert find_binary() == expected


async def test_a_binary_that_cannot_start_leaves_no_temporary_config(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(FileNotFoundError):
        await BatonClient.spawn(str(tmp_path / "no-such-baton"), config={"defaultModel": "local:x"})
    assert list(tmp_path.iterdir()) == []
