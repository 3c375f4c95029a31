"""The asyncio client: one JSON-RPC 2.0 connection to a ``baton serve`` process (NDJSON framing).

One reader task owns the connection's input. It resolves reply futures, routes notifications to
callbacks, and answers Baton's own requests (``plan/approve``), so callers only ``await`` methods.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import logging
import os
import tempfile
from typing import (
    Any, AsyncGenerator, Callable, Dict, List, Mapping, Optional, Sequence, Set, Union,
)

from .binary import find_binary
from .errors import BatonError, ConnectionClosed, error_from_json
from .types import (
    JSON, ChatResult, InitializeResult, ModelsList, Plan, PlanDecision, RunEvent, RunReport,
    RunSummary, Status, Subtask, SubtaskOutcome, SubtaskResult, Synthesis, decision_to_json, drop_none,
)

log = logging.getLogger("baton_client")

#: Lines up to this size are read from a spawned server (Baton's own frame limit is 16 MiB).
READ_LIMIT = 64 * 1024 * 1024

Callback = Callable[..., Any]
PlanApproveHandler = Callable[[Plan, str], Any]


class _RunWatch:
    """A ``run`` request in flight, waiting to learn its run id from its first event."""

    def __init__(self, request_id: int, on_event: Optional[Callback]) -> None:
        self.request_id = request_id
        self.run_id: Optional[str] = None
        self.on_event = on_event


class BatonClient:
    """A connection to Baton. Create it with ``await BatonClient.spawn()`` or ``BatonClient.attach()``.

    Hooks (plain attributes; each may be a function or a coroutine function):

    - ``on_plan_approve(plan, run_id)`` answers ``plan/approve``: return ``PlanDecision.approve()``,
      ``.edit(plan)``, ``.reject(reason)``, or ``True``/``False``. Unset, every plan is approved.
    - ``on_run_event(event)`` sees every ``run/event``, whichever request started the run.
    - ``on_progress(token, value)`` gets ``$/progress``; ``on_log_message(type, message)`` gets
      ``window/logMessage``; ``on_notification(method, params)`` sees every notification raw.

    Synchronous hooks run on the reader task, in arrival order; coroutine hooks run as tasks.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: Any,
                 process: Optional[asyncio.subprocess.Process] = None,
                 temp_files: Sequence[str] = ()) -> None:
        self._reader = reader
        self._writer = writer
        self._process = process
        self._temp_files = list(temp_files)
        self._ids = itertools.count(1)
        self._pending: Dict[Any, "asyncio.Future[Any]"] = {}
        self._delta_handlers: Dict[Any, Callback] = {}
        self._runs: List[_RunWatch] = []
        self._server_requests: Dict[Any, "asyncio.Task[Any]"] = {}
        self._background: Set["asyncio.Future[Any]"] = set()
        self._write_lock = asyncio.Lock()
        self._closed = False
        self._shutdown_sent = False
        self.initialize_result: Optional[InitializeResult] = None
        self.on_plan_approve: Optional[PlanApproveHandler] = None
        self.on_run_event: Optional[Callable[[RunEvent], Any]] = None
        self.on_progress: Optional[Callable[[Any, Any], Any]] = None
        self.on_log_message: Optional[Callable[[int, str], Any]] = None
        self.on_notification: Optional[Callable[[str, Any], Any]] = None
        self._reader_task = asyncio.get_running_loop().create_task(self._read_loop())

    # ------------------------------------------------------------------ construction

    @classmethod
    async def spawn(
        cls,
        binary: Optional[str] = None,
        args: Sequence[str] = (),
        env: Optional[Mapping[str, Optional[str]]] = None,
        *,
        config: Union[None, str, "os.PathLike[str]", Mapping[str, Any]] = None,
        state_dir: Union[None, str, "os.PathLike[str]"] = None,
        stderr: Any = None,
        cwd: Union[None, str, "os.PathLike[str]"] = None,
    ) -> "BatonClient":
        """Start ``baton serve`` and connect to it (``initialize`` is still to be sent).

        ``args`` go after ``serve``. ``env`` adds to this process's environment (a ``None`` value
        removes a variable). ``config`` is a config file path or a dict written to a temporary file.
        ``stderr`` is where Baton's diagnostics go (default: this process's stderr).
        """
        path = find_binary(binary)
        argv = [path, "serve", *args]
        temp_files: List[str] = []
        if isinstance(config, Mapping):
            fd, name = tempfile.mkstemp(prefix="baton-config-", suffix=".json")
            with os.fdopen(fd, "w") as f:
                json.dump(config, f)
            temp_files.append(name)
            argv += ["--config", name]
        elif config is not None:
            argv += ["--config", os.fspath(config)]
        if state_dir is not None:
            argv += ["--state-dir", os.fspath(state_dir)]
        child_env = dict(os.environ)
        for key, value in (env or {}).items():
            if value is None:
                child_env.pop(key, None)
            else:
                child_env[key] = value
        try:
            process = await asyncio.create_subprocess_exec(
                *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=stderr,
                env=child_env, cwd=cwd, limit=READ_LIMIT,
            )
        except BaseException:
            for name in temp_files:
                os.unlink(name)
            raise
        assert process.stdout is not None and process.stdin is not None
        return cls(process.stdout, process.stdin, process=process, temp_files=temp_files)

    @classmethod
    def attach(cls, reader: asyncio.StreamReader, writer: Any) -> "BatonClient":
        """Use an existing connection: ``writer`` needs ``write(bytes)``, ``drain()`` and ``close()``
        (``is_closing()`` is used when present), like ``asyncio.StreamWriter``.
        Must be called from a running event loop."""
        return cls(reader, writer)

    @property
    def process(self) -> Optional[asyncio.subprocess.Process]:
        """The spawned ``baton`` process, if this client started one."""
        return self._process

    @property
    def server_methods(self) -> List[str]:
        """Request methods the server reported in ``initialize`` (empty before it)."""
        return self.initialize_result.methods if self.initialize_result else []

    async def __aenter__(self) -> "BatonClient":
        if self.initialize_result is None:
            await self.initialize()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    # ------------------------------------------------------------------ raw JSON-RPC

    async def request(self, method: str, params: Any = None, *, request_id: Any = None) -> Any:
        """Send a request and return its result, or raise the matching ``BatonError``.

        Cancelling the awaiting task sends ``$/cancelRequest`` and drops the server's ``-32800``.
        """
        if self._closed:
            raise ConnectionClosed()
        rid = next(self._ids) if request_id is None else request_id
        future: "asyncio.Future[Any]" = asyncio.get_running_loop().create_future()
        self._pending[rid] = future
        message: JSON = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            message["params"] = params
        try:
            await self._send(message)
            return await future
        except asyncio.CancelledError:
            if self._pending.pop(rid, None) is not None and not self._closed:
                self._send_nowait({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": rid}})
            raise
        finally:
            self._pending.pop(rid, None)

    async def notify(self, method: str, params: Any = None) -> None:
        message: JSON = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        await self._send(message)

    def _encode(self, message: JSON) -> bytes:
        return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"

    async def _send(self, message: JSON) -> None:
        if self._closed or self._writer_closing():
            raise ConnectionClosed()
        self._writer.write(self._encode(message))
        async with self._write_lock:  # concurrent drain() is unsafe on Python < 3.10
            try:
                await self._writer.drain()
            except (ConnectionError, BrokenPipeError) as e:
                raise ConnectionClosed(f"connection to baton closed: {e}") from e

    def _send_nowait(self, message: JSON) -> None:
        """Write without waiting for the buffer to drain (from callbacks and cancel paths)."""
        if not self._closed and not self._writer_closing():
            self._writer.write(self._encode(message))

    def _writer_closing(self) -> bool:
        is_closing = getattr(self._writer, "is_closing", None)
        return bool(is_closing()) if callable(is_closing) else False

    # ------------------------------------------------------------------ reading

    async def _read_loop(self) -> None:
        reason = "connection to baton closed"
        try:
            while True:
                line = await self._reader.readline()
                if not line:
                    break
                line = line.strip()
                if not line:
                    continue
                try:
                    message = json.loads(line)
                except ValueError:
                    log.warning("baton sent a line that is not JSON: %r", line[:200])
                    continue
                for m in message if isinstance(message, list) else [message]:
                    if isinstance(m, dict):
                        self._dispatch(m)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a broken pipe or an over-long line ends the connection
            reason = f"connection to baton failed: {e}"
            log.warning("%s", reason)
        finally:
            self._closed = True
            for future in list(self._pending.values()):
                if not future.done():
                    future.set_exception(ConnectionClosed(reason))
            self._pending.clear()
            for task in list(self._server_requests.values()):
                task.cancel()

    def _dispatch(self, message: JSON) -> None:
        method = message.get("method")
        if isinstance(method, str):
            if "id" in message:
                self._on_server_request(message["id"], method, message.get("params"))
            else:
                self._on_notification(method, message.get("params"))
            return
        rid = message.get("id")
        future = self._pending.pop(rid, None) if isinstance(rid, (str, int)) else None
        if future is None or future.done():
            # A reply to a request whose caller gave up (its -32800), or an error with id null.
            if "error" in message and message.get("id") is None:
                log.warning("baton reported an error: %s", message["error"])
            return
        if "error" in message:
            future.set_exception(error_from_json(message["error"]))
        else:
            future.set_result(message.get("result"))

    def _call(self, callback: Optional[Callback], *args: Any) -> None:
        """Run a user hook without letting it break the reader."""
        if callback is None:
            return
        try:
            result = callback(*args)
        except Exception:
            log.exception("baton_client callback %r failed", callback)
            return
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            self._background.add(task)
            task.add_done_callback(self._background_done)

    def _background_done(self, task: "asyncio.Future[Any]") -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("baton_client callback failed", exc_info=task.exception())

    def _on_notification(self, method: str, params: Any) -> None:
        p = params if isinstance(params, dict) else {}
        if method == "run/event":
            self._on_run_event(p)
        elif method == "complete/delta":
            self._call(self._delta_handlers.get(p.get("requestId")), p.get("text") or "")
        elif method == "$/progress":
            self._call(self.on_progress, p.get("token"), p.get("value"))
        elif method == "window/logMessage":
            self._call(self.on_log_message, p.get("type"), p.get("message"))
        elif method in ("$/cancelRequest", "notifications/cancelled", "$/cancel_request"):
            rid = p.get("id", p.get("requestId"))
            task = self._server_requests.get(rid) if isinstance(rid, (str, int)) else None
            if task is not None:
                task.cancel()
        self._call(self.on_notification, method, params)

    def _on_run_event(self, params: JSON) -> None:
        event = RunEvent.from_json(params)
        watch = None
        if "requestId" in params:
            watch = next((w for w in self._runs if w.request_id == params["requestId"]), None)
        if watch is None:
            watch = next((w for w in self._runs if w.run_id == event.run_id), None)
        if watch is None:
            # Without a request id on the event, a new run id belongs to the oldest run request
            # that has not seen an event yet.
            watch = next((w for w in self._runs if w.run_id is None), None)
        if watch is not None:
            watch.run_id = event.run_id
            self._call(watch.on_event, event)
        self._call(self.on_run_event, event)

    def _on_server_request(self, rid: Any, method: str, params: Any) -> None:
        if method == "plan/approve":
            task = asyncio.get_running_loop().create_task(self._answer_plan_approve(rid, params))
            self._server_requests[rid] = task
            task.add_done_callback(lambda _t: self._server_requests.pop(rid, None))
        else:
            self._send_nowait({"jsonrpc": "2.0", "id": rid,
                               "error": {"code": -32601, "message": f"method not found: {method}"}})

    async def _answer_plan_approve(self, rid: Any, params: Any) -> None:
        p = params if isinstance(params, dict) else {}
        reply: JSON
        try:
            handler = self.on_plan_approve
            decision: Any = PlanDecision.approve()
            if handler is not None:
                decision = handler(Plan.from_json(p.get("plan")), p.get("runId") or "")
                if inspect.isawaitable(decision):
                    decision = await decision
            reply = {"result": decision_to_json(decision)}
        except asyncio.CancelledError:
            reply = {"error": {"code": -32800, "message": "request cancelled"}}
        except Exception as e:
            log.exception("plan/approve handler failed")
            reply = {"error": {"code": -32603, "message": f"plan/approve handler failed: {e}"}}
        self._send_nowait({"jsonrpc": "2.0", "id": rid, **reply})

    # ------------------------------------------------------------------ lifecycle

    async def initialize(self, client_name: str = "baton_client", **params: Any) -> InitializeResult:
        """Send ``initialize`` (with this process's id, so Baton exits if we die) and ``initialized``."""
        body = {"processId": os.getpid(), "clientInfo": {"name": client_name}, "capabilities": {}}
        body.update(params)
        self.initialize_result = InitializeResult.from_json(await self.request("initialize", body))
        await self.notify("initialized", {})
        return self.initialize_result

    async def shutdown(self) -> None:
        """Ask Baton to stop accepting requests (``exit`` then ends it with code 0)."""
        await self.request("shutdown")
        self._shutdown_sent = True

    async def exit(self, timeout: float = 10.0) -> Optional[int]:
        """Send ``exit`` and wait for the process to end; returns its exit code when spawned."""
        if not self._closed:
            try:
                await self.notify("exit")
            except ConnectionClosed:
                pass
        return await self._wait_process(timeout)

    async def _wait_process(self, timeout: float) -> Optional[int]:
        if self._process is None:
            return None
        try:
            return await asyncio.wait_for(self._process.wait(), timeout)
        except asyncio.TimeoutError:
            self._process.kill()
            return await self._process.wait()

    async def close(self, timeout: float = 10.0) -> Optional[int]:
        """Shut Baton down in order (``shutdown``, ``exit``) if it still runs, then release everything.
        Returns the process's exit code when this client spawned it."""
        code: Optional[int] = None
        try:
            if not self._closed and self._process is not None and self._process.returncode is None:
                if self.initialize_result is not None and not self._shutdown_sent:
                    try:
                        await asyncio.wait_for(self.shutdown(), timeout)
                    except (BatonError, asyncio.TimeoutError):
                        pass
                code = await self.exit(timeout)
            elif self._process is not None:
                code = await self._wait_process(timeout)
        finally:
            self._closed = True
            if not self._writer_closing():
                self._writer.close()
            self._reader_task.cancel()
            await asyncio.gather(self._reader_task, *self._background, return_exceptions=True)
            for name in self._temp_files:
                try:
                    os.unlink(name)
                except OSError:
                    pass
        return code

    # ------------------------------------------------------------------ methods

    async def status(self) -> Status:
        return Status.from_json(await self.request("baton/status"))

    async def models_list(self) -> ModelsList:
        return ModelsList.from_json(await self.request("models/list"))

    async def complete(
        self,
        prompt: Optional[str] = None,
        *,
        messages: Optional[Sequence[Mapping[str, Any]]] = None,
        system: Optional[str] = None,
        model: Optional[str] = None,
        schema: Optional[Mapping[str, Any]] = None,
        schema_name: Optional[str] = None,
        max_tokens: Optional[int] = None,
        temperature: Optional[float] = None,
        stop: Optional[Sequence[str]] = None,
        tools: Optional[Sequence[Mapping[str, Any]]] = None,
        stream: bool = False,
        on_delta: Optional[Callable[[str], Any]] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> ChatResult:
        """One chat call. With ``on_delta`` (which implies ``stream``) the text arrives piece by piece."""
        params = drop_none({
            "prompt": prompt, "messages": list(messages) if messages is not None else None,
            "system": system, "model": model, "schema": dict(schema) if schema is not None else None,
            "schemaName": schema_name, "maxTokens": max_tokens, "temperature": temperature,
            "stop": list(stop) if stop is not None else None,
            "tools": list(tools) if tools is not None else None,
            "stream": True if (stream or on_delta is not None) else None,
        })
        params.update(extra or {})
        rid = next(self._ids)
        if on_delta is not None:
            self._delta_handlers[rid] = on_delta
        try:
            return ChatResult.from_json(await self.request("complete", params, request_id=rid))
        finally:
            self._delta_handlers.pop(rid, None)

    async def complete_stream(self, prompt: Optional[str] = None, **kwargs: Any
                              ) -> AsyncGenerator[Union[str, ChatResult], None]:
        """``complete`` as an async iterator: yields each text delta (``str``), then the ``ChatResult``.
        Leaving the loop early cancels the request."""
        queue: "asyncio.Queue[Any]" = asyncio.Queue()
        call = asyncio.ensure_future(self.complete(prompt, on_delta=queue.put_nowait, **kwargs))
        done = object()
        call.add_done_callback(lambda _f: queue.put_nowait(done))
        try:
            while True:
                item = await queue.get()
                if item is done:
                    break
                yield item
            yield call.result()
        finally:
            await _cancel_and_wait(call)

    async def plan(
        self,
        task: str,
        *,
        context: Optional[Mapping[str, Any]] = None,
        instructions: Optional[str] = None,
        max_subtasks: Optional[int] = None,
        min_subtasks: Optional[int] = None,
        model: Optional[str] = None,
        subtask_schema: Optional[Mapping[str, Any]] = None,
        template: Optional[str] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> Plan:
        """Split a task into subtasks (kept by the server under ``plan_id`` for later steps)."""
        params = drop_none({
            "task": task, "context": _dict(context), "instructions": instructions,
            "maxSubtasks": max_subtasks, "minSubtasks": min_subtasks, "model": model,
            "subtaskSchema": _dict(subtask_schema), "template": template,
        })
        params.update(extra or {})
        return Plan.from_json(await self.request("plan", params))

    async def run_subtask(
        self,
        *,
        plan_id: Optional[str] = None,
        subtask_id: Optional[str] = None,
        task: Optional[str] = None,
        subtask: Union[None, Subtask, Mapping[str, Any]] = None,
        context: Optional[Mapping[str, Any]] = None,
        model: Optional[str] = None,
        output_schema: Optional[Mapping[str, Any]] = None,
        max_tokens: Optional[int] = None,
        instructions: Optional[str] = None,
        template: Optional[str] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> SubtaskResult:
        """Run one subtask: of a stored plan (``plan_id`` + ``subtask_id``) or given inline
        (``task`` + ``subtask``)."""
        params = drop_none({
            "planId": plan_id, "subtaskId": subtask_id, "task": task,
            "subtask": subtask.to_json() if isinstance(subtask, Subtask) else _dict(subtask),
            "context": _dict(context), "model": model, "outputSchema": _dict(output_schema),
            "maxTokens": max_tokens, "instructions": instructions, "template": template,
        })
        params.update(extra or {})
        return SubtaskResult.from_json(await self.request("runSubtask", params))

    async def synthesize(
        self,
        *,
        plan_id: Optional[str] = None,
        task: Optional[str] = None,
        results: Optional[Sequence[Union[SubtaskOutcome, Mapping[str, Any]]]] = None,
        format: Optional[str] = None,
        style: Optional[str] = None,
        instructions: Optional[str] = None,
        model: Optional[str] = None,
        context: Optional[Mapping[str, Any]] = None,
        max_tokens: Optional[int] = None,
        template: Optional[str] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> Synthesis:
        """Merge subtask results into one answer: a stored plan's (``plan_id``) or given ones."""
        params = drop_none({
            "planId": plan_id, "task": task,
            "results": [r.to_json() if isinstance(r, SubtaskOutcome) else dict(r) for r in results]
            if results is not None else None,
            "format": format, "style": style, "instructions": instructions, "model": model,
            "context": _dict(context), "maxTokens": max_tokens, "template": template,
        })
        params.update(extra or {})
        return Synthesis.from_json(await self.request("synthesize", params))

    async def run(
        self,
        task: str,
        *,
        on_event: Optional[Callable[[RunEvent], Any]] = None,
        context: Optional[Mapping[str, Any]] = None,
        instructions: Optional[str] = None,
        concurrency: Optional[int] = None,
        model: Optional[str] = None,
        planner_model: Optional[str] = None,
        worker_model: Optional[str] = None,
        synthesizer_model: Optional[str] = None,
        budget_tokens: Optional[int] = None,
        budget_usd: Optional[float] = None,
        approve_plan: bool = False,
        format: Optional[str] = None,
        style: Optional[str] = None,
        max_subtasks: Optional[int] = None,
        min_subtasks: Optional[int] = None,
        subtask_schema: Optional[Mapping[str, Any]] = None,
        subtasks: Optional[Sequence[Union[Subtask, Mapping[str, Any]]]] = None,
        deadline_seconds: Optional[float] = None,
        stream: bool = False,
        templates: Optional[Mapping[str, str]] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> RunReport:
        """The whole flow: plan, (approve), run the subtasks, synthesize.

        ``model`` sets planner, worker and synthesizer at once; the ``*_model`` arguments override
        it per role. ``on_event`` gets this run's ``run/event`` notifications. ``approve_plan``
        asks ``on_plan_approve`` before any worker runs. ``subtasks`` skips the planner.
        ``templates`` overrides prompt templates by role (``planner``, ``worker``, ``synthesizer``).
        A run cancelled with ``cancel(run_id=...)`` returns a report with status ``cancelled``.
        """
        models = drop_none({"planner": planner_model or model, "worker": worker_model or model,
                            "synthesizer": synthesizer_model or model})
        budget = drop_none({"maxTokens": budget_tokens, "maxCostUSD": budget_usd})
        params = drop_none({
            "task": task, "context": _dict(context), "instructions": instructions,
            "concurrency": concurrency, "models": models or None, "budget": budget or None,
            "approvePlan": True if approve_plan else None, "format": format, "style": style,
            "maxSubtasks": max_subtasks, "minSubtasks": min_subtasks,
            "subtaskSchema": _dict(subtask_schema),
            "subtasks": [s.to_json() if isinstance(s, Subtask) else dict(s) for s in subtasks]
            if subtasks is not None else None,
            "deadlineSeconds": deadline_seconds, "stream": True if stream else None,
            "templates": _dict(templates),
        })
        params.update(extra or {})
        watch = _RunWatch(next(self._ids), on_event)
        self._runs.append(watch)
        try:
            report = RunReport.from_json(await self.request("run", params, request_id=watch.request_id))
        finally:
            self._runs.remove(watch)
        if watch.run_id is not None and watch.run_id != report.run_id:
            log.warning("run %s got the events of run %s: concurrent runs on one connection are told apart "
                        "by start order, and this server's run/event carries no request id",
                        report.run_id, watch.run_id)
        return report

    async def run_events(self, task: str, **kwargs: Any) -> AsyncGenerator[Union[RunEvent, RunReport], None]:
        """``run`` as an async iterator: yields each ``RunEvent``, then the ``RunReport`` last.
        Leaving the loop early cancels the run request."""
        queue: "asyncio.Queue[Any]" = asyncio.Queue()
        call = asyncio.ensure_future(self.run(task, on_event=queue.put_nowait, **kwargs))
        done = object()
        call.add_done_callback(lambda _f: queue.put_nowait(done))
        try:
            while True:
                item = await queue.get()
                if item is done:
                    break
                yield item
            yield call.result()
        finally:
            await _cancel_and_wait(call)

    async def cancel(self, *, run_id: Optional[str] = None, plan_id: Optional[str] = None) -> bool:
        """Stop a run (its ``run`` request then returns status ``cancelled`` with partial results)
        or the work on a plan. Returns whether anything was cancelled."""
        if (run_id is None) == (plan_id is None):
            raise ValueError("cancel needs exactly one of run_id and plan_id")
        result = await self.request("cancel", drop_none({"runId": run_id, "planId": plan_id}))
        return bool(result.get("cancelled")) if isinstance(result, dict) else False

    async def runs_get(self, run_id: str) -> RunReport:
        return RunReport.from_json(await self.request("runs/get", {"runId": run_id}))

    async def runs_list(self) -> List[RunSummary]:
        result = await self.request("runs/list")
        runs = result.get("runs") if isinstance(result, dict) else None
        return [RunSummary.from_json(r) for r in runs or []]


def _dict(value: Optional[Mapping[str, Any]]) -> Optional[JSON]:
    return dict(value) if value is not None else None


async def _cancel_and_wait(future: "asyncio.Future[Any]") -> None:
    """Cancel a call this iterator owns and wait for it, without swallowing our own cancellation."""
    if not future.done():
        future.cancel()
    await asyncio.wait([future])
    if not future.cancelled():
        future.exception()  # retrieved: the caller has what it needs, or left the loop early
