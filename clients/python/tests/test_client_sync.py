"""The blocking wrapper, for scripts that do not use asyncio."""

from __future__ import annotations

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
