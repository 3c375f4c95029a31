"""Python front end for Baton, the headless LLM-orchestration engine (JSON-RPC 2.0 over stdio).

    async with await BatonClient.spawn() as client:
        report = await client.run("Write a haiku about pipes")

or, from plain scripts, ``with Baton() as b: report = b.run("...")`` (see ``baton_client.sync``).
"""

from .binary import BinaryNotFound, find_binary
from .client import BatonClient
from .errors import (
    BatonError, BudgetExceeded, ConnectionClosed, DeadlineExceeded, InternalError, InvalidParams,
    InvalidRequest, MethodNotFound, NotFound, NotInitialized, OutputInvalid, ParseError, PlanFailed,
    ProviderFailed, RequestCancelled,
)
from .protocol import PROTOCOL_VERSION, ErrorCode
from .sync import Baton
from .types import (
    ChatResult, InitializeResult, ModelsList, Plan, PlanDecision, ProviderInfo, RunEvent, RunReport,
    RunSummary, Status, Subtask, SubtaskOutcome, SubtaskResult, Synthesis, ToolCall, Usage,
)

__version__ = "0.1.0"

__all__ = [
    "Baton", "BatonClient", "BatonError", "BinaryNotFound", "BudgetExceeded", "ChatResult",
    "ConnectionClosed", "DeadlineExceeded", "ErrorCode", "InitializeResult", "InternalError", "InvalidParams",
    "InvalidRequest", "MethodNotFound", "ModelsList", "NotFound", "NotInitialized",
    "OutputInvalid", "PROTOCOL_VERSION", "ParseError", "Plan", "PlanDecision", "PlanFailed", "ProviderFailed",
    "ProviderInfo", "RequestCancelled", "RunEvent", "RunReport", "RunSummary", "Status", "Subtask",
    "SubtaskOutcome", "SubtaskResult", "Synthesis", "ToolCall", "Usage", "find_binary",
]
