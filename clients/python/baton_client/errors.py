"""Errors raised by the client: one class per JSON-RPC error code Baton uses.

Callers catch the subclass they can act on (``ProviderFailed`` to retry later, ``BudgetExceeded``
to raise a budget) and fall back to ``BatonError`` for the rest.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Type


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
    code = -32700


class InvalidRequest(BatonError):
    code = -32600


class MethodNotFound(BatonError):
    code = -32601


class InvalidParams(BatonError):
    code = -32602


class InternalError(BatonError):
    code = -32603


class NotInitialized(BatonError):
    code = -32002


class RequestCancelled(BatonError):
    """The server cancelled the request (for example because it is shutting down).

    A request the caller cancelled itself (by cancelling its asyncio task) raises
    ``asyncio.CancelledError`` instead; its late ``-32800`` reply is dropped.
    """

    code = -32800


class ProviderFailed(BatonError):
    """A model provider failed; ``kind`` says how (``rateLimited``, ``serverError``, ...)."""

    code = 1001


class NotFound(BatonError):
    code = 1002


class BudgetExceeded(BatonError):
    code = 1003


class PlanFailed(BatonError):
    code = 1004


class OutputInvalid(BatonError):
    """A structured output did not satisfy its schema, even after repair attempts."""

    code = 1005


class DeadlineExceeded(BatonError):
    code = 1006


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
