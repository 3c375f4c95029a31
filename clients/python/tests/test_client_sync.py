"""The blocking wrapper, for scripts that do not use asyncio."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from baton_client import Baton, BinaryNotFound, ProviderFailed


def test_sync_wrapper_runs_calls_and_shuts_down_cleanly(baton_binary, mock, tmp_path):
    with Baton(baton_binary, config=mock.config_for_baton(), state_dir=tmp_path) as b:
        assert b.status().name == "baton"
        assert b.models_list().default_model == "mock:mock-model"
        deltas = []
        result = b.complete("sync", on_delta=deltas.append)
        assert result.text == "echo: sync" and "".join(deltas) == result.text
        process = b.client.process
    assert b.exit_code == 0 and process.returncode == 0
    with pytest.raises(RuntimeError):
        b.status()


def test_sync_wrapper_raises_baton_errors(baton_binary, mock, tmp_path):
    mock.configure(status=503)
    with Baton(baton_binary, config=mock.config_for_baton(), state_dir=tmp_path) as b:
        with pytest.raises(ProviderFailed) as info:
            b.complete("down")
        assert info.value.kind == "serverError"


def test_sync_wrapper_sets_hooks_on_the_client(baton_binary, mock, tmp_path):
    def approve(plan, run_id):
        return True

    with Baton(baton_binary, config=mock.config_for_baton(), on_plan_approve=approve) as b:
        assert b.client.on_plan_approve is approve


def test_a_missing_binary_fails_at_start(monkeypatch, tmp_path):
    monkeypatch.delenv("BATON_BINARY", raising=False)
    with pytest.raises((BinaryNotFound, FileNotFoundError)):
        Baton(str(tmp_path / "no-such-baton")).start()


SCRIPT = """
import sys
sys.path.insert(0, {path!r})
from baton_client import Baton
with Baton({binary!r}, config={config!r}) as b:
    print("started", flush=True)
    try:
        b.complete("held")
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        print("status", b.status().requests_in_flight, flush=True)
        raise
"""


def test_ctrl_c_cancels_the_call_in_baton_before_propagating(baton_binary, mock, tmp_path):
    mock.configure(gate=True)
    script = SCRIPT.format(path=str(Path(__file__).resolve().parents[1]), binary=baton_binary,
                           config=mock.config_for_baton())
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=tmp_path)
    assert proc.stdout.readline() == "started\n"
    asyncio.run(mock.wait(gated=1))
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert out.splitlines() == ["interrupted", "status 1"]
    assert "KeyboardInterrupt" in err and proc.returncode != 0
    asyncio.run(mock.wait(disconnects=1))
