"""Errors raised by the client: one class per JSON-RPC error code Baton uses (the codes come from
protocol/schema.json through the generated ``protocol.ErrorCode``).

Callers catch the subclass they can act on (``ProviderFailed`` to retry later, ``BudgetExceeded``
to raise a budget) and fall back to ``BatonError`` for the rest.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Type

from .protocol import ErrorCode


class BatonError(Exception):
    """An error reply from Baton (or, for ``ConnectionClosed``, from the client itself)."""

    code: int = 0

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{message} (code {code})")
        self.code = code
        self.message = message
        self.data = data

    @property
    def kind(self) -> Optional[str]:
        """``data.kind`` when the server classified the failure (provider errors do)."""
        if isinstance(self.data, Mapping):
            kind = self.data.get("kind")
            return kind if isinstance(kind, str) else None
        return None


class ParseError(BatonError):
    code = int(ErrorCode.PARSE_ERROR)


class InvalidRequest(BatonError):
    code = int(ErrorCode.INVALID_REQUEST)


class MethodNotFound(BatonError):
    code = int(ErrorCode.METHOD_NOT_FOUND)


class InvalidParams(BatonError):
    code = int(ErrorCode.INVALID_PARAMS)


class InternalError(BatonError):
    code = int(ErrorCode.INTERNAL_ERROR)


class NotInitialized(BatonError):
    code = int(ErrorCode.SERVER_NOT_INITIALIZED)


class RequestCancelled(BatonError):
    """The server cancelled the request (for example because it is shutting down).

    A request the caller cancelled itself (by cancelling its asyncio task) raises
    ``asyncio.CancelledError`` instead; its late ``-32800`` reply is dropped.
    """

    code = int(ErrorCode.REQUEST_CANCELLED)


class ProviderFailed(BatonError):
    """A model provider failed; ``kind`` says how (``rateLimited``, ``serverError``, ...)."""

    code = int(ErrorCode.PROVIDER_FAILED)


class NotFound(BatonError):
    code = int(ErrorCode.NOT_FOUND)


class BudgetExceeded(BatonError):
    code = int(ErrorCode.BUDGET_EXCEEDED)


class PlanFailed(BatonError):
    code = int(ErrorCode.PLAN_FAILED)


class OutputInvalid(BatonError):
    """A structured output did not satisfy its schema, even after repair attempts."""

    code = int(ErrorCode.OUTPUT_INVALID)


class DeadlineExceeded(BatonError):
    code = int(ErrorCode.DEADLINE_EXCEEDED)


class ConnectionClosed(BatonError):
    """The connection to Baton ended before the reply came (client-side, code -1)."""

    code = -1

    def __init__(self, message: str = "connection to baton closed") -> None:
        super().__init__(-1, message)


_BY_CODE: Dict[int, Type[BatonError]] = {
    cls.code: cls
    for cls in (
        ParseError, InvalidRequest, MethodNotFound, InvalidParams, InternalError, NotInitialized,
        RequestCancelled, ProviderFailed, NotFound, BudgetExceeded, PlanFailed, OutputInvalid,
        DeadlineExceeded,
    )
}


def error_from_json(error: Any) -> BatonError:
    """Build the matching exception from a JSON-RPC ``error`` member."""
    if not isinstance(error, Mapping):
        return InternalError(-32603, f"malformed error member: {error!r}")
    code = error.get("code")
    message = error.get("message")
    code = code if isinstance(code, int) and not isinstance(code, bool) else -32603
    message = message if isinstance(message, str) else "unknown error"
    return _BY_CODE.get(code, BatonError)(code, message, error.get("data"))
