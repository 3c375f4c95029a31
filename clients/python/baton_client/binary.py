"""Finding the ``baton`` executable, so scripts work both installed and inside a checkout."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Mapping, Optional


class BinaryNotFound(FileNotFoundError):
    pass


def find_binary(binary: Optional[str] = None, env: Optional[Mapping[str, str]] = None) -> str:
    """The baton executable: ``binary`` if given, else ``$BATON_BINARY``, else ``baton`` on PATH,
    else ``.build/release/baton`` or ``.build/debug/baton`` of the checkout this package lives in."""
    environ = os.environ if env is None else env
    if binary:
        return binary
    if environ.get("BATON_BINARY"):
        return environ["BATON_BINARY"]
    on_path = shutil.which("baton")
    if on_path:
        return on_path
    for root in Path(__file__).resolve().parents:
        for config in ("release", "debug"):
            candidate = root / ".build" / config / "baton"
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    raise BinaryNotFound(
        "baton executable not found: pass binary=..., set BATON_BINARY, put baton on PATH, "
        "or run `swift build` in the Baton checkout"
    )
