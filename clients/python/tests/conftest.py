"""Fixtures for the client tests: the real `baton` binary, the project's mock LLM server, and a
runner for `async def` tests (standard library only, so no pytest-asyncio)."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, AsyncIterator, Dict, List

import pytest

from baton_client import BatonClient

REPO = Path(__file__).resolve().parents[3]


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests on a fresh event loop, failing them if the loop logged an error
    (an unretrieved exception or an InvalidStateError in a callback would show up there)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    loop_errors: List[Dict[str, Any]] = []

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: loop_errors.append(ctx))
        await asyncio.wait_for(pyfuncitem.obj(**args), timeout=60)

    asyncio.run(main())
    assert not loop_errors, f"event loop reported errors: {loop_errors}"
    return True


@pytest.fixture(scope="session")
def baton_binary() -> str:
    path = os.environ.get("BATON_BINARY") or str(REPO / ".build" / "debug" / "baton")
    if not os.access(path, os.X_OK):
        pytest.fail(f"baton binary not found at {path}: run `swift build` or set BATON_BINARY", pytrace=False)
    return path


class Mock:
    """The mock LLM server and its control endpoints."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "scripts" / "mock_llm.py"), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self.proc.stdout is not None
        self.port = json.loads(self.proc.stdout.readline())["port"]
        self.url = f"http://127.0.0.1:{self.port}"

    def control(self, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method="POST" if data else "GET",
                                         headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as e:
            raise AssertionError(f"mock {path} answered {e.code}: {e.read()!r}") from None

    def configure(self, **knobs: Any) -> None:
        self.control("/_mock/config", knobs)

    def reset(self) -> None:
        self.control("/_mock/reset", {"config": True})

    def release(self) -> None:
        self.control("/_mock/release", {})

    def log(self) -> List[Dict[str, Any]]:
        return self.control("/_mock/log")

    async def wait(self, **stats: int) -> None:
        """Block (off the event loop) until every mock stat is at least the given value."""
        query = "&".join(f"{k}={v}" for k, v in stats.items())
        await asyncio.get_running_loop().run_in_executor(None, self.control, f"/_mock/wait?{query}&timeout=20")

    def config_for_baton(self) -> Dict[str, Any]:
        return {"defaultModel": "mock:mock-model",
                "providers": {"mock": {"kind": "openai", "baseURL": self.url + "/v1"}}}

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


@pytest.fixture(scope="session")
def mock_server():
    mock = Mock()
    yield mock
    mock.stop()


@pytest.fixture
def mock(mock_server: Mock):
    mock_server.reset()
    yield mock_server
    mock_server.reset()  # releases anything a failed test left gated


@pytest.fixture
def connect(baton_binary: str, mock: Mock, tmp_path: Path):
    """`async with connect() as client:` — a Baton process on the mock, initialized, closed after."""

    @contextlib.asynccontextmanager
    async def open_client(initialize: bool = True, **spawn: Any) -> AsyncIterator[BatonClient]:
        spawn.setdefault("config", mock.config_for_baton())
        spawn.setdefault("state_dir", tmp_path / "state")
        spawn.setdefault("cwd", tmp_path)
        client = await BatonClient.spawn(baton_binary, **spawn)
        try:
            if initialize:
                await client.initialize()
            yield client
        finally:
            await client.close()

    return open_client
