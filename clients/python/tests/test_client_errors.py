"""Error replies become BatonError subclasses carrying code, message and data."""

from __future__ import annotations

import pytest

from baton_client import (
    BatonError, BudgetExceeded, InternalError, InvalidParams, MethodNotFound, NotFound, ParseError,
    PlanFailed, ProviderFailed, RequestCancelled,
)
from baton_client.errors import DeadlineExceeded, OutputInvalid
from baton_client.errors import InvalidRequest, NotInitialized, error_from_json


async def test_provider_rate_limit_is_provider_failed_with_its_kind(connect, mock):
    mock.configure(status=429)
    async with connect() as client:
        with pytest.raises(ProviderFailed) as info:
            await client.complete("hi")
        error = info.value
        assert error.code == 1001
        assert error.kind == "rateLimited"
        assert error.data["status"] == 429 and error.data["retryable"] is True
        assert error.data["provider"] == "mock"
        assert "429" in error.message


async def test_provider_authentication_failure_is_not_retryable(connect, mock):
    mock.configure(status=401)
    async with connect() as client:
        with pytest.raises(ProviderFailed) as info:
            await client.complete("hi")
        assert info.value.kind == "authentication"
        assert info.value.data["retryable"] is False


async def test_unknown_provider_is_invalid_params_not_configured(connect):
    async with connect() as client:
        with pytest.raises(InvalidParams) as info:
            await client.complete("hi", model="nope:model")
        assert info.value.code == -32602
        assert info.value.kind == "notConfigured"
        assert "nope" in info.value.message


async def test_unknown_method_is_method_not_found(connect):
    async with connect() as client:
        with pytest.raises(MethodNotFound) as info:
            await client.request("no/such")
        assert info.value.message == "method not found: no/such"


async def test_a_wrongly_typed_field_is_invalid_params(connect):
    async with connect() as client:
        with pytest.raises(InvalidParams) as info:
            await client.complete("hi", extra={"maxTokens": "many"})
        assert "maxTokens" in info.value.message


async def test_the_client_keeps_working_after_errors(connect, mock):
    mock.configure(status=500)
    async with connect() as client:
        with pytest.raises(ProviderFailed):
            await client.complete("fails")
        mock.reset()
        assert (await client.complete("works")).text == "echo: works"


@pytest.mark.parametrize("code, cls", [
    (-32700, ParseError), (-32600, InvalidRequest), (-32601, MethodNotFound), (-32602, InvalidParams),
    (-32603, InternalError), (-32002, NotInitialized), (-32800, RequestCancelled), (1001, ProviderFailed),
    (1002, NotFound), (1003, BudgetExceeded), (1004, PlanFailed), (1005, OutputInvalid),
    (1006, DeadlineExceeded),
])
def test_each_code_has_its_class(code, cls):
    error = error_from_json({"code": code, "message": "m", "data": {"kind": "k"}})
    assert type(error) is cls and isinstance(error, BatonError)
    assert (error.code, error.message, error.data, error.kind) == (code, "m", {"kind": "k"}, "k")


def test_unknown_codes_and_malformed_errors_stay_baton_errors():
    error = error_from_json({"code": 4242, "message": "new"})
    assert type(error) is BatonError and error.code == 4242 and error.data is None and error.kind is None
    assert isinstance(error_from_json("garbage"), InternalError)
