"""scripts/check-architecture.sh: the module map in docs/architecture.md is what the package may do.

Each test copies the real map, Package.swift and the checker into a scratch tree with a few Swift files,
breaks one rule, and reads the verdict.
"""
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "scripts/check-architecture.sh", tmp_path / "scripts")
    shutil.copy(ROOT / "docs/architecture.md", tmp_path / "docs")
    shutil.copy(ROOT / "Package.swift", tmp_path)
    write(tmp_path, "Sources/Orchestrator/Run/Engine.swift", "import Foundation\nimport LLM\nimport JSON\n")
    write(tmp_path, "Tests/OrchestratorTests/EngineTests.swift", "import Testing\n@testable import Orchestrator\nimport EngineTestSupport\n")
    return tmp_path


def write(root, path, text):
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)


def check(root):
    result = subprocess.run(["bash", str(root / "scripts/check-architecture.sh")], capture_output=True, text=True)
    return result.returncode, result.stderr


def test_the_real_tree_follows_its_map():
    code, report = check(ROOT)
    assert code == 0, report


def test_a_tree_that_follows_the_map_passes(tree):
    code, report = check(tree)
    assert code == 0, report
    assert "targets follow docs/architecture.md" in report


def test_the_engine_may_not_import_the_protocol(tree):
    write(tree, "Sources/Orchestrator/Run/Leak.swift", "import RPC\n")
    code, report = check(tree)
    assert code == 1
    assert "Sources/Orchestrator/Run/Leak.swift: Orchestrator imports RPC, which docs/architecture.md does not allow" in report


def test_a_testable_import_counts_as_an_import(tree):
    write(tree, "Sources/Report/Page.swift", "@testable import Providers\n")
    code, report = check(tree)
    assert code == 1
    assert "Report imports Providers" in report


def test_testing_is_for_tests_only(tree):
    write(tree, "Sources/JSON/Probe.swift", "import Testing\n")
    code, report = check(tree)
    assert code == 1
    assert "imports Testing outside Tests/" in report


def test_a_test_target_may_import_its_subject_and_what_its_subject_may(tree):
    write(tree, "Tests/JSONTests/Leak.swift", "@testable import JSON\nimport Orchestrator\n")
    code, report = check(tree)
    assert code == 1
    assert "JSONTests imports Orchestrator" in report
    assert "OrchestratorTests" not in report


def test_package_swift_may_not_draw_an_arrow_the_map_lacks(tree):
    package = tree / "Package.swift"
    text = package.read_text()
    original = '.target(name: "Orchestrator", dependencies: ["LLM", "JSON", "Secrets", "Timeouts"])'
    assert original in text
    package.write_text(text.replace(original, original.replace('"Timeouts"]', '"Timeouts", "RPC"]')))
    code, report = check(tree)
    assert code == 1
    assert "Package.swift: Orchestrator depends on RPC" in report


def test_a_target_without_a_paragraph_fails(tree):
    package = tree / "Package.swift"
    package.write_text(package.read_text().replace(
        '.target(name: "Secrets"),', '.target(name: "Secrets"),\n    .target(name: "Misc"),'))
    code, report = check(tree)
    assert code == 1
    assert "target Misc (in Package.swift) has no paragraph" in report


def test_a_source_file_over_400_lines_fails_and_a_test_file_does_not(tree):
    write(tree, "Sources/LLM/Long.swift", "// line\n" * 401)
    write(tree, "Tests/OrchestratorTests/LongTests.swift", "// line\n" * 900)
    code, report = check(tree)
    assert code == 1
    assert "Sources/LLM/Long.swift: 401 lines, over the 400-line limit" in report
    assert "LongTests.swift" not in report
