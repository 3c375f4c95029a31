"""Typed views of Baton's results, built from the camelCase JSON on the wire.

Every type keeps the JSON it came from in ``raw``, so fields a newer server adds stay reachable
without a client upgrade. Unknown fields and event types are never an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Union

JSON = Dict[str, Any]


def _obj(value: Any) -> JSON:
    return dict(value) if isinstance(value, Mapping) else {}


def _str(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


def _int(value: Any) -> Optional[int]:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _float(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _list(value: Any) -> List[Any]:
    return list(value) if isinstance(value, list) else []


def drop_none(params: Mapping[str, Any]) -> JSON:
    """Params without the members the caller left out, so the server applies its defaults."""
    return {k: v for k, v in params.items() if v is not None}


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    @classmethod
    def from_json(cls, data: Any) -> "Usage":
        d = _obj(data)
        return cls(_int(d.get("inputTokens")) or 0, _int(d.get("outputTokens")) or 0)


@dataclass
class InitializeResult:
    server_name: str
    server_version: str
    protocol_version: str
    capabilities: JSON
    raw: JSON = field(default_factory=dict, repr=False, compare=False)

    @property
    def methods(self) -> List[str]:
        """Request methods this server build serves (for feature detection)."""
        return [m for m in _list(self.capabilities.get("methods")) if isinstance(m, str)]

    @classmethod
    def from_json(cls, data: Any) -> "InitializeResult":
        d = _obj(data)
        info = _obj(d.get("serverInfo"))
        return cls(
            server_name=_str(info.get("name")) or "",
            server_version=_str(info.get("version")) or "",
            protocol_version=_str(d.get("protocolVersion")) or "",
            capabilities=_obj(d.get("capabilities")),
            raw=d,
        )


@dataclass
class Status:
    name: str
    version: str
    protocol_version: str
    uptime_seconds: float
    framing: str
    requests_in_flight: int
    process_id: Optional[int]
    raw: JSON = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> "Status":
        d = _obj(data)
        return cls(
            name=_str(d.get("name")) or "",
            version=_str(d.get("version")) or "",
            protocol_version=_str(d.get("protocolVersion")) or "",
            uptime_seconds=_float(d.get("uptimeSeconds")) or 0.0,
            framing=_str(d.get("framing")) or "",
            requests_in_flight=_int(d.get("requestsInFlight")) or 0,
            process_id=_int(d.get("processId")),
            raw=d,
        )


@dataclass
class ToolCall:
    id: str
    name: str
    arguments: Any

    @classmethod
    def from_json(cls, data: Any) -> "ToolCall":
        d = _obj(data)
        return cls(_str(d.get("id")) or "", _str(d.get("name")) or "", d.get("arguments"))


@dataclass
class ChatResult:
    text: str
    tool_calls: List[ToolCall]
    finish_reason: str
    usage: Usage
    model: str
    request_id: Optional[str] = None
    latency_ms: Optional[float] = None
    rate_limit: Optional[JSON] = None
    raw: JSON = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> "ChatResult":
        d = _obj(data)
        return cls(
            text=_str(d.get("text")) or "",
            tool_calls=[ToolCall.from_json(t) for t in _list(d.get("toolCalls"))],
            finish_reason=_str(d.get("finishReason")) or "other",
            usage=Usage.from_json(d.get("usage")),
            model=_str(d.get("model")) or "",
            request_id=_str(d.get("requestId")),
            latency_ms=_float(d.get("latencyMs")),
            rate_limit=d.get("rateLimit") if isinstance(d.get("rateLimit"), Mapping) else None,
            raw=d,
        )


@dataclass
class ProviderInfo:
    name: str
    kind: str
    base_url: str
    has_key: bool
    models: List[str]
    models_source: str
    error: Optional[str] = None
    raw: JSON = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> "ProviderInfo":
        d = _obj(data)
        return cls(
            name=_str(d.get("name")) or "",
            kind=_str(d.get("kind")) or "",
            base_url=_str(d.get("baseURL")) or "",
            has_key=d.get("hasKey") is True,
            models=[m for m in _list(d.get("models")) if isinstance(m, str)],
            models_source=_str(d.get("modelsSource")) or "",
            error=_str(d.get("error")),
            raw=d,
        )


@dataclass
class ModelsList:
    default_model: Optional[str]
    providers: List[ProviderInfo]
    raw: JSON = field(default_factory=dict, repr=False, compare=False)

    def provider(self, name: str) -> Optional[ProviderInfo]:
        return next((p for p in self.providers if p.name == name), None)

    @classmethod
    def from_json(cls, data: Any) -> "ModelsList":
        d = _obj(data)
        return cls(
            default_model=_str(d.get("defaultModel")),
            providers=[ProviderInfo.from_json(p) for p in _list(d.get("providers"))],
            raw=d,
        )


_SUBTASK_KEYS = ("id", "name", "description", "type", "params", "dependsOn", "constraints")


@dataclass
class Subtask:
    """One unit of work in a plan. ``extra`` holds members beyond the documented ones."""

    id: str
    name: str
    description: str
    type: Optional[str] = None
    params: Optional[JSON] = None
    depends_on: Optional[List[str]] = None
    constraints: Optional[JSON] = None
    extra: JSON = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        """A per-subtask field demanded through ``subtask_schema``, wherever the server put it
        (``params`` or the subtask itself)."""
        if isinstance(self.params, Mapping) and key in self.params:
            return self.params[key]
        return self.extra.get(key, default)

    @classmethod
    def from_json(cls, data: Any) -> "Subtask":
        d = _obj(data)
        deps = d.get("dependsOn")
        return cls(
            id=_str(d.get("id")) or "",
            name=_str(d.get("name")) or "",
            description=_str(d.get("description")) or "",
            type=_str(d.get("type")),
            params=_obj(d["params"]) if isinstance(d.get("params"), Mapping) else None,
            depends_on=[x for x in deps if isinstance(x, str)] if isinstance(deps, list) else None,
            constraints=_obj(d["constraints"]) if isinstance(d.get("constraints"), Mapping) else None,
            extra={k: v for k, v in d.items() if k not in _SUBTASK_KEYS},
        )

    def to_json(self) -> JSON:
        out: JSON = dict(self.extra)
        out.update(drop_none({
            "id": self.id or None, "name": self.name, "description": self.description, "type": self.type,
            "params": self.params, "dependsOn": self.depends_on, "constraints": self.constraints,
        }))
        return out


@dataclass
class Plan:
    plan_id: str
    objective: str
    subtasks: List[Subtask]
    raw: JSON = field(default_factory=dict, repr=False, compare=False)

    def subtask(self, subtask_id: str) -> Optional[Subtask]:
        return next((s for s in self.subtasks if s.id == subtask_id), None)

    @classmethod
    def from_json(cls, data: Any) -> "Plan":
        d = _obj(data)
        return cls(
            plan_id=_str(d.get("planId")) or "",
            objective=_str(d.get("objective")) or "",
            subtasks=[Subtask.from_json(s) for s in _list(d.get("subtasks"))],
            raw=d,
        )

    def to_json(self) -> JSON:
        out = {k: v for k, v in self.raw.items() if k not in ("planId", "objective", "subtasks")}
        out.update({"planId": self.plan_id, "objective": self.objective,
                    "subtasks": [s.to_json() for s in self.subtasks]})
        return out


@dataclass
class SubtaskResult:
    """What ``run_subtask`` returns: one worker's answer."""

    subtask_id: str
    output: str
    usage: Usage
    model: str
    attempts: int
    duration_ms: float
    finish_reason: str
    json: Any = None
    cost_usd: Optional[float] = None
    raw: JSON = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> "SubtaskResult":
        d = _obj(data)
        return cls(
            subtask_id=_str(d.get("subtaskId")) or "",
            output=_str(d.get("output")) or "",
            usage=Usage.from_json(d.get("usage")),
            model=_str(d.get("model")) or "",
            attempts=_int(d.get("attempts")) or 0,
            duration_ms=_float(d.get("durationMs")) or 0.0,
            finish_reason=_str(d.get("finishReason")) or "other",
            json=d.get("json"),
            cost_usd=_float(d.get("costUSD")),
            raw=d,
        )


@dataclass
class Synthesis:
    output: str
    usage: Usage
    model: str
    attempts: int
    duration_ms: float
    missing: List[str]
    cost_usd: Optional[float] = None
    raw: JSON = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> "Synthesis":
        d = _obj(data)
        return cls(
            output=_str(d.get("output")) or "",
            usage=Usage.from_json(d.get("usage")),
            model=_str(d.get("model")) or "",
            attempts=_int(d.get("attempts")) or 0,
            duration_ms=_float(d.get("durationMs")) or 0.0,
            missing=[m for m in _list(d.get("missing")) if isinstance(m, str)],
            cost_usd=_float(d.get("costUSD")),
            raw=d,
        )


@dataclass
class SubtaskOutcome:
    """One subtask's entry in a run report (also the input shape of ``synthesize(results=...)``)."""

    subtask_id: str
    status: str
    output: Optional[str] = None
    error: Optional[str] = None
    usage: Usage = field(default_factory=Usage)
    attempts: int = 0
    duration_ms: float = 0.0
    model: Optional[str] = None
    cost_usd: Optional[float] = None
    finish_reason: Optional[str] = None
    name: Optional[str] = None
    raw: JSON = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> "SubtaskOutcome":
        d = _obj(data)
        return cls(
            subtask_id=_str(d.get("subtaskId")) or "",
            status=_str(d.get("status")) or "",
            output=_str(d.get("output")),
            error=_str(d.get("error")),
            usage=Usage.from_json(d.get("usage")),
            attempts=_int(d.get("attempts")) or 0,
            duration_ms=_float(d.get("durationMs")) or 0.0,
            model=_str(d.get("model")),
            cost_usd=_float(d.get("costUSD")),
            finish_reason=_str(d.get("finishReason")),
            name=_str(d.get("name")),
            raw=d,
        )

    def to_json(self) -> JSON:
        return drop_none({"subtaskId": self.subtask_id, "name": self.name, "status": self.status,
                          "output": self.output, "error": self.error})


@dataclass
class RunReport:
    run_id: str
    status: str
    task: str
    plan: Optional[Plan]
    results: List[SubtaskOutcome]
    output: Optional[str]
    usage: Usage
    cost_usd: float
    error: Optional[str] = None
    started_at: Optional[str] = None
    finished_at: Optional[str] = None
    duration_ms: Optional[float] = None
    journal_path: Optional[str] = None
    raw: JSON = field(default_factory=dict, repr=False, compare=False)

    def result(self, subtask_id: str) -> Optional[SubtaskOutcome]:
        return next((r for r in self.results if r.subtask_id == subtask_id), None)

    @classmethod
    def from_json(cls, data: Any) -> "RunReport":
        d = _obj(data)
        return cls(
            run_id=_str(d.get("runId")) or "",
            status=_str(d.get("status")) or "",
            task=_str(d.get("task")) or "",
            plan=Plan.from_json(d["plan"]) if isinstance(d.get("plan"), Mapping) else None,
            results=[SubtaskOutcome.from_json(r) for r in _list(d.get("results"))],
            output=_str(d.get("output")),
            usage=Usage.from_json(d.get("usage")),
            cost_usd=_float(d.get("costUSD")) or 0.0,
            error=_str(d.get("error")),
            started_at=_str(d.get("startedAt")),
            finished_at=_str(d.get("finishedAt")),
            duration_ms=_float(d.get("durationMs")),
            journal_path=_str(d.get("journalPath")),
            raw=d,
        )


@dataclass
class RunSummary:
    """A line of ``runs_list``."""

    run_id: str
    status: str
    task: str
    started_at: Optional[str] = None
    finished_at: Optional[str] = None
    subtasks: Optional[int] = None
    cost_usd: Optional[float] = None
    raw: JSON = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> "RunSummary":
        d = _obj(data)
        return cls(
            run_id=_str(d.get("runId")) or "",
            status=_str(d.get("status")) or "",
            task=_str(d.get("task")) or "",
            started_at=_str(d.get("startedAt")),
            finished_at=_str(d.get("finishedAt")),
            subtasks=_int(d.get("subtasks")),
            cost_usd=_float(d.get("costUSD")),
            raw=d,
        )


@dataclass
class RunEvent:
    """One ``run/event`` notification. ``type`` is one of the documented kinds (``planReady``,
    ``subtaskStarted``, ``subtaskDelta``, ...) or a newer one; the fields that do not apply to a
    type are ``None``, and ``raw`` holds everything the server sent."""

    run_id: str
    seq: int
    type: str
    subtask_id: Optional[str] = None
    name: Optional[str] = None
    model: Optional[str] = None
    text: Optional[str] = None
    status: Optional[str] = None
    output: Optional[str] = None
    error: Optional[str] = None
    plan: Optional[Plan] = None
    usage: Optional[Usage] = None
    cost_usd: Optional[float] = None
    completed: Optional[int] = None
    total: Optional[int] = None
    attempt: Optional[int] = None
    reason: Optional[str] = None
    delay_seconds: Optional[float] = None
    raw: JSON = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> "RunEvent":
        d = _obj(data)
        return cls(
            run_id=_str(d.get("runId")) or "",
            seq=_int(d.get("seq")) or 0,
            type=_str(d.get("type")) or "",
            subtask_id=_str(d.get("subtaskId")),
            name=_str(d.get("name")),
            model=_str(d.get("model")),
            text=_str(d.get("text")),
            status=_str(d.get("status")),
            output=_str(d.get("output")),
            error=_str(d.get("error")),
            plan=Plan.from_json(d["plan"]) if isinstance(d.get("plan"), Mapping) else None,
            usage=Usage.from_json(d["usage"]) if isinstance(d.get("usage"), Mapping) else None,
            cost_usd=_float(d.get("costUSD")),
            completed=_int(d.get("completed")),
            total=_int(d.get("total")),
            attempt=_int(d.get("attempt")),
            reason=_str(d.get("reason")),
            delay_seconds=_float(d.get("delaySeconds")),
            raw=d,
        )


@dataclass
class PlanDecision:
    """The answer to a ``plan/approve`` request: build it with ``approve()``, ``edit(plan)`` or
    ``reject(reason)``."""

    decision: str
    plan: Optional[Plan] = None
    reason: Optional[str] = None

    @classmethod
    def approve(cls) -> "PlanDecision":
        return cls("approve")

    @classmethod
    def edit(cls, plan: Plan) -> "PlanDecision":
        return cls("edit", plan=plan)

    @classmethod
    def reject(cls, reason: Optional[str] = None) -> "PlanDecision":
        return cls("reject", reason=reason)

    def to_json(self) -> JSON:
        return drop_none({"decision": self.decision,
                          "plan": self.plan.to_json() if self.plan is not None else None,
                          "reason": self.reason})


#: What a ``plan/approve`` handler may return: a decision, or ``True``/``False`` for approve/reject.
DecisionLike = Union[PlanDecision, bool, JSON]


def decision_to_json(decision: Any) -> JSON:
    """Normalise a handler's answer to the wire shape (``None`` counts as approve)."""
    if decision is None or decision is True:
        return {"decision": "approve"}
    if decision is False:
        return {"decision": "reject", "reason": "rejected by the client"}
    if isinstance(decision, PlanDecision):
        return decision.to_json()
    if isinstance(decision, Mapping) and isinstance(decision.get("decision"), str):
        out = dict(decision)
        if isinstance(out.get("plan"), Plan):
            out["plan"] = out["plan"].to_json()
        return out
    raise TypeError(f"a plan/approve handler must return a PlanDecision, a bool or a dict, not {decision!r}")
