"""A blocking wrapper for simple scripts: ``with Baton() as b: print(b.run("task").output)``.

It owns a private event loop and runs each call to completion on it, so hooks (``on_event``,
``on_delta``, ``on_plan_approve``) run in the caller's thread, during the call that triggers them.
Ctrl-C during a call cancels that call in Baton before ``KeyboardInterrupt`` propagates.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, Callable, Coroutine, List, Mapping, Optional, Sequence, TypeVar, Union

from .client import BatonClient, PlanApproveHandler
from .types import (
    ChatResult, ModelsList, Plan, RunEvent, RunReport, RunSummary, Status, SubtaskResult, Synthesis,
)

T = TypeVar("T")


class Baton:
    """Spawns ``baton serve`` on ``__enter__`` (or ``start()``) and shuts it down on ``__exit__``.

    Arguments are those of ``BatonClient.spawn``; the hooks are set on the client before use.
    Method arguments are those of ``BatonClient``'s methods of the same name.
    """

    def __init__(
        self,
        binary: Optional[str] = None,
        args: Sequence[str] = (),
        env: Optional[Mapping[str, Optional[str]]] = None,
        *,
        config: Union[None, str, "os.PathLike[str]", Mapping[str, Any]] = None,
        state_dir: Union[None, str, "os.PathLike[str]"] = None,
        stderr: Any = None,
        on_plan_approve: Optional[PlanApproveHandler] = None,
        on_log_message: Optional[Callable[[int, str], Any]] = None,
        on_progress: Optional[Callable[[Any, Any], Any]] = None,
    ) -> None:
        self._spawn_args = dict(binary=binary, args=args, env=env, config=config,
                                state_dir=state_dir, stderr=stderr)
        self._hooks = dict(on_plan_approve=on_plan_approve, on_log_message=on_log_message,
                           on_progress=on_progress)
        self._loop = asyncio.new_event_loop()
        self._client: Optional[BatonClient] = None
        self.exit_code: Optional[int] = None

    @property
    def client(self) -> BatonClient:
        """The underlying async client (for its hooks and raw ``request``)."""
        if self._client is None:
            raise RuntimeError("Baton is not started: use `with Baton() as b:` or call start()")
        return self._client

    def _do(self, coro: Coroutine[Any, Any, T]) -> T:
        task = self._loop.create_task(coro)
        try:
            return self._loop.run_until_complete(task)
        except KeyboardInterrupt:
            # Ctrl-C: cancel the call on the server too ($/cancelRequest), then let it propagate.
            task.cancel()
            self._loop.run_until_complete(asyncio.wait([task]))
            raise

    def start(self) -> "Baton":
        async def start() -> BatonClient:
            client = await BatonClient.spawn(**self._spawn_args)
            for name, hook in self._hooks.items():
                setattr(client, name, hook)
            try:
                await client.initialize()
            except BaseException:
                await client.close()
                raise
            return client

        try:
            self._client = self._do(start())
        except BaseException:
            self._loop.close()
            raise
        return self

    def close(self) -> Optional[int]:
        """Shut Baton down and close the loop; returns Baton's exit code."""
        if self._client is not None:
            self.exit_code = self._do(self._client.close())
            self._client = None
        if not self._loop.is_closed():
            self._loop.close()
        return self.exit_code

    def __enter__(self) -> "Baton":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def status(self) -> Status:
        return self._do(self.client.status())

    def models_list(self) -> ModelsList:
        return self._do(self.client.models_list())

    def complete(self, prompt: Optional[str] = None, **kwargs: Any) -> ChatResult:
        return self._do(self.client.complete(prompt, **kwargs))

    def plan(self, task: str, **kwargs: Any) -> Plan:
        return self._do(self.client.plan(task, **kwargs))

    def run_subtask(self, **kwargs: Any) -> SubtaskResult:
        return self._do(self.client.run_subtask(**kwargs))

    def synthesize(self, **kwargs: Any) -> Synthesis:
        return self._do(self.client.synthesize(**kwargs))

    def run(self, task: str, *, on_event: Optional[Callable[[RunEvent], Any]] = None,
            **kwargs: Any) -> RunReport:
        return self._do(self.client.run(task, on_event=on_event, **kwargs))

    def cancel(self, *, run_id: Optional[str] = None, plan_id: Optional[str] = None) -> bool:
        return self._do(self.client.cancel(run_id=run_id, plan_id=plan_id))

    def runs_get(self, run_id: str) -> RunReport:
        return self._do(self.client.runs_get(run_id))

    def runs_list(self) -> List[RunSummary]:
        return self._do(self.client.runs_list())
