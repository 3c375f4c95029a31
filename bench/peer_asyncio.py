#!/usr/bin/env python3
"""The Python peer: orchestrator-workers with the openai SDK and asyncio, as tutorials write it.

plan (one JSON-schema call) -> N workers (asyncio.gather under a Semaphore) -> synthesis.
Library defaults (2 retries). A failed worker is caught and reported, so the run completes.
Prints one JSON line: {"ok": completed workers, "n": N, "wall_s": ..., "run_cpu_s": ...}.
"""
import argparse
import asyncio
import json
import resource
import time

from openai import AsyncOpenAI

PLAN_SCHEMA = {
    "type": "object",
    "properties": {"subtasks": {"type": "array", "items": {
        "type": "object", "properties": {"name": {"type": "string"}, "description": {"type": "string"}},
        "required": ["name", "description"]}}},
    "required": ["subtasks"],
}


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    args = parser.parse_args()
    started = time.perf_counter()
    cpu_started = resource.getrusage(resource.RUSAGE_SELF)
    client = AsyncOpenAI(base_url=args.base_url, api_key="unused")
    plan = await client.chat.completions.create(
        model="mock-model", messages=[{"role": "user", "content": f"Split the task into {args.n} subtasks."}],
        response_format={"type": "json_schema", "json_schema": {"name": "plan", "schema": PLAN_SCHEMA}})
    subtasks = json.loads(plan.choices[0].message.content)["subtasks"][: args.n]
    semaphore = asyncio.Semaphore(args.concurrency)

    async def worker(subtask):
        async with semaphore:
            try:
                reply = await client.chat.completions.create(
                    model="mock-model", max_tokens=64,
                    messages=[{"role": "user", "content": f"Do this: {subtask['description']}"}])
                return reply.choices[0].message.content
            except Exception as error:  # a failed worker must not poison the run
                return error

    outputs = await asyncio.gather(*(worker(s) for s in subtasks))
    ok = [o for o in outputs if isinstance(o, str)]
    await client.chat.completions.create(
        model="mock-model", messages=[{"role": "user", "content": "Merge: " + " | ".join(ok)[:2000]}])
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"ok": len(ok), "n": len(subtasks), "wall_s": time.perf_counter() - started,
                      "run_cpu_s": (cpu.ru_utime - cpu_started.ru_utime) + (cpu.ru_stime - cpu_started.ru_stime)}))


asyncio.run(main())
