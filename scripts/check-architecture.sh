#!/usr/bin/env bash
# Holds the package to its module map (docs/architecture.md): every target's dependencies in Package.swift
# and every `import` in Sources/ and Tests/ must be an arrow the map draws, and no Swift file under
# Sources/ may pass 400 lines. Prints each violation as `file: problem` and exits 1 if there is any.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - "$@" <<'PY'
import pathlib, re, sys

MAX_LINES = 400
SYSTEM = {"Foundation", "FoundationNetworking", "Dispatch", "Glibc", "Darwin", "Synchronization", "PackageDescription"}
TEST_ONLY = {"Testing", "XCTest"}
problems = []

# The map: `### \`Target\`` headings, each followed (before the next heading) by one `May import:` line.
map_text = pathlib.Path("docs/architecture.md").read_text()
allowed = {}
for match in re.finditer(r"^### `(\w+)`\n(.*?)(?=^### |\Z)", map_text, re.M | re.S):
    name, body = match.groups()
    line = re.search(r"^May import: (.*)$", body, re.M)
    if not line:
        problems.append(f"docs/architecture.md: `{name}` has no 'May import:' line")
        continue
    text = line.group(1).strip().rstrip(".")
    allowed[name] = set() if text.startswith("nothing") else {item.strip() for item in text.split(",")}

# Package.swift: each target's name, kind, path and dependencies.
package = pathlib.Path("Package.swift").read_text()
targets = {}
for match in re.finditer(r"\.(target|testTarget|executableTarget)\(\s*name: \"(\w+)\"(.*?)\)(?=,\s*(?:\.|\]|//|/\*\*|///))", package, re.S):
    kind, name, rest = match.groups()
    deps = re.search(r"dependencies: \[(.*?)\]", rest, re.S)
    path = re.search(r"path: \"([^\"]+)\"", rest)
    targets[name] = {
        "kind": kind,
        "deps": set(re.findall(r"\"(\w+)\"", deps.group(1))) if deps else set(),
        "path": path.group(1) if path else ("Tests/" if kind == "testTarget" else "Sources/") + name,
    }
if not targets:
    problems.append("Package.swift: no targets found (has its layout changed?)")

def permitted(name):
    """What `name` may import: its paragraph, or for a test target its subject's closure and the support targets."""
    if name in allowed:
        return allowed[name]
    if targets.get(name, {}).get("kind") == "testTarget":
        subject = "baton" if name == "EndToEndTests" else name.removesuffix("Tests")
        if subject not in allowed:
            problems.append(f"Package.swift: test target {name} matches no source target in the map")
            return set()
        supports = {t for t, info in targets.items() if info["path"].startswith("Tests/") and info["kind"] == "target"}
        return {subject} | allowed[subject] | supports
    problems.append(f"docs/architecture.md: target {name} (in Package.swift) has no paragraph")
    return set()

for name, info in sorted(targets.items()):
    may = permitted(name)
    for dep in sorted(info["deps"] - may):
        problems.append(f"Package.swift: {name} depends on {dep}, which docs/architecture.md does not allow")
    root = pathlib.Path(info["path"])
    for file in sorted(root.rglob("*.swift")):
        source = file.read_text()
        for module in re.findall(r"^\s*(?:@testable\s+|@preconcurrency\s+|@_exported\s+)?import\s+(?:(?:struct|class|enum|func|protocol)\s+)?(\w+)", source, re.M):
            if module in SYSTEM or module == name:
                continue
            if module in TEST_ONLY:
                if not info["path"].startswith("Tests/"):
                    problems.append(f"{file}: imports {module} outside Tests/")
                continue
            if module not in may:
                problems.append(f"{file}: {name} imports {module}, which docs/architecture.md does not allow")
        lines = source.count("\n")
        if info["path"].startswith("Sources/") and lines > MAX_LINES:
            problems.append(f"{file}: {lines} lines, over the {MAX_LINES}-line limit: split it by idea")

for name in sorted(set(allowed) - set(targets)):
    problems.append(f"docs/architecture.md: `{name}` has a paragraph but no target in Package.swift")

for problem in problems:
    print(problem, file=sys.stderr)
if problems:
    sys.exit(1)
print(f"architecture: {len(targets)} targets follow docs/architecture.md", file=sys.stderr)
PY
