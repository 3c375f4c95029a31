"""The hand-written half of ``types.py``: conversions the generated classes use, and the helper methods
they inherit. ``scripts/gen_protocol.py`` makes class ``X`` of ``types.py`` inherit ``XMixin`` when this
module defines one, so helpers live here and the fields come from protocol/schema.json.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Union

if TYPE_CHECKING:
    from .types import Plan, PlanDecision, ProviderInfo, SubtaskOutcome

JSON = Dict[str, Any]


def _obj(value: Any) -> JSON:
    return dict(value) if isinstance(value, Mapping) else {}


def _str(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


def _int(value: Any) -> Optional[int]:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _float(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _bool(value: Any) -> Optional[bool]:
    return value if isinstance(value, bool) else None


def _list(value: Any) -> List[Any]:
    return list(value) if isinstance(value, list) else []


def drop_none(params: Mapping[str, Any]) -> JSON:
    """Params without the members the caller left out, so the server applies its defaults."""
    return {k: v for k, v in params.items() if v is not None}


class UsageMixin:
    input_tokens: int
    output_tokens: int

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


class InitializeResultMixin:
    server_info: Any
    capabilities: JSON

    @property
    def server_name(self) -> str:
        return self.server_info.name

    @property
    def server_version(self) -> str:
        return self.server_info.version

    @property
    def methods(self) -> List[str]:
        """Request methods this server build serves (for feature detection)."""
        return [m for m in _list(self.capabilities.get("methods")) if isinstance(m, str)]


class ModelsListMixin:
    providers: List["ProviderInfo"]

    def provider(self, name: str) -> Optional["ProviderInfo"]:
        return next((p for p in self.providers if p.name == name), None)


class SubtaskMixin:
    """``extra`` holds members beyond the documented ones."""

    id: str
    name: str
    description: str
    type: Optional[str]
    params: Optional[JSON]
    depends_on: Optional[List[str]]
    constraints: Optional[JSON]
    extra: JSON

    def get(self, key: str, default: Any = None) -> Any:
        """A per-subtask field demanded through ``subtask_schema``, wherever the server put it
        (``params`` or the subtask itself)."""
        if isinstance(self.params, Mapping) and key in self.params:
            return self.params[key]
        return self.extra.get(key, default)

    def to_json(self) -> JSON:
        out: JSON = dict(self.extra)
        out.update(drop_none({
            "id": self.id or None, "name": self.name, "description": self.description, "type": self.type,
            "params": self.params, "dependsOn": self.depends_on, "constraints": self.constraints,
        }))
        return out


class PlanMixin:
    plan_id: str
    objective: str
    subtasks: List[Any]
    raw: JSON

    def subtask(self, subtask_id: str) -> Optional[Any]:
        return next((s for s in self.subtasks if s.id == subtask_id), None)

    def to_json(self) -> JSON:
        out = {k: v for k, v in self.raw.items() if k not in ("planId", "objective", "subtasks")}
        out.update({"planId": self.plan_id, "objective": self.objective,
                    "subtasks": [s.to_json() for s in self.subtasks]})
        return out


class SubtaskOutcomeMixin:
    """One subtask's entry in a run report (also the input shape of ``synthesize(results=...)``)."""

    subtask_id: str
    name: Optional[str]
    status: str
    output: Optional[str]
    error: Optional[str]

    def to_json(self) -> JSON:
        return drop_none({"subtaskId": self.subtask_id, "name": self.name, "status": self.status,
                          "output": self.output, "error": self.error})


class RunReportMixin:
    results: List["SubtaskOutcome"]

    def result(self, subtask_id: str) -> Optional["SubtaskOutcome"]:
        return next((r for r in self.results if r.subtask_id == subtask_id), None)


class PlanDecisionMixin:
    """The answer to a ``plan/approve`` request: build it with ``approve()``, ``edit(plan)`` or
    ``reject(reason)``."""

    decision: str
    plan: Optional["Plan"]
    reason: Optional[str]

    @classmethod
    def approve(cls) -> Any:
        return cls(decision="approve")  # type: ignore[call-arg]

    @classmethod
    def edit(cls, plan: "Plan") -> Any:
        return cls(decision="edit", plan=plan)  # type: ignore[call-arg]

    @classmethod
    def reject(cls, reason: Optional[str] = None) -> Any:
        return cls(decision="reject", reason=reason)  # type: ignore[call-arg]

    def to_json(self) -> JSON:
        return drop_none({"decision": self.decision,
                          "plan": self.plan.to_json() if self.plan is not None else None,
                          "reason": self.reason})


#: What a ``plan/approve`` handler may return: a decision, or ``True``/``False`` for approve/reject.
DecisionLike = Union["PlanDecision", bool, JSON]


def decision_to_json(decision: Any) -> JSON:
    """Normalise a handler's answer to the wire shape (``None`` counts as approve)."""
    from .types import Plan, PlanDecision

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
