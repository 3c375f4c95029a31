"""Smoke test of `baton report`: real journals (the real binary against scripts/mock_llm.py) rendered by the
command, then screenshotted with headless Chromium when it is installed.

Run: python3 -m pytest -q scripts/test_report_render.py   (after `swift build`; BATON=path overrides the
binary). Skips, saying why, while `baton report` is not part of the CLI yet or the binary is not built.
"""

import os
import shutil
import struct
import subprocess
import sys
import zlib

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import report_journals  # noqa: E402

BATON = os.environ.get("BATON", os.path.join(ROOT, ".build", "debug", "baton"))
SCENARIOS = ["plain", "retries", "failed", "cancelled", "truncated"]


def report_command_available():
    if not os.access(BATON, os.X_OK):
        return False, f"{BATON} is not built (run `swift build`)"
    # Until the command exists, `baton report --help` prints the general help (exit 0): look for its usage.
    help_text = subprocess.run([BATON, "report", "--help"], capture_output=True, text=True, timeout=30)
    if help_text.returncode != 0 or "baton report" not in help_text.stdout + help_text.stderr:
        return False, "`baton report` is not wired into the CLI yet (`baton report --help` does not describe it)"
    return True, ""


@pytest.fixture(scope="module")
def journals(tmp_path_factory):
    available, reason = report_command_available()
    if not available:
        pytest.skip(reason)
    state_dir = str(tmp_path_factory.mktemp("state"))
    return state_dir, report_journals.make(state_dir, BATON, SCENARIOS)


def render(state_dir, run_id, out):
    return subprocess.run([BATON, "report", run_id, "--state-dir", state_dir, "--out", str(out)],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_report_renders_each_kind_of_run(journals, scenario, tmp_path):
    state_dir, made = journals
    run_id = made[scenario]["runId"]
    out = tmp_path / f"{scenario}.html"
    result = render(state_dir, run_id, out)
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert run_id in html
    assert html.count('<details class="step ') >= 2  # the plan and at least one worker
    assert html.count("<script") == 1  # the page's own, nothing from the journal
    expected = {"plain": "completed", "retries": "completed", "failed": "completed",
                "cancelled": "cancelled", "truncated": "interrupted"}[scenario]
    assert f'id="run-status">{expected}<' in html
    if scenario == "plain":
        assert "&lt;script&gt;alert(&#39;task&#39;)&lt;/script&gt;" in html
        assert "<script>alert" not in html
    if scenario == "retries":
        assert '<span class="seg retrying"' in html
    if scenario == "failed":
        assert 'data-status="failed"' in html and '<pre class="error">' in html
    if scenario == "truncated":
        assert "cut short" in html


def test_report_of_unknown_run_fails_clearly(journals, tmp_path):
    state_dir, _ = journals
    result = render(state_dir, "run-does-not-exist", tmp_path / "none.html")
    assert result.returncode != 0
    assert "run-does-not-exist" in result.stderr
    assert not (tmp_path / "none.html").exists()


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def png_colours(path, limit=64):
    """The number of distinct RGB(A) pixel values in an 8-bit PNG (stops counting at `limit`)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, idat, header = 8, b"", None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    width, height, depth, colour_type = header[:4]
    assert depth == 8 and colour_type in (2, 6), f"unexpected PNG format {depth}/{colour_type}"
    channels = 3 if colour_type == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    previous = bytearray(stride)
    colours = set()
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                row[i] = (row[i] + row[i - channels]) & 0xFF
        elif kind == 2:
            row = bytearray((a + b) & 0xFF for a, b in zip(row, previous))
        elif kind == 3:
            for i in range(stride):
                left = row[i - channels] if i >= channels else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = row[i - channels] if i >= channels else 0
                b, c = previous[i], previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        previous = row
        if y % 8 == 0:  # every 8th row is plenty to tell a page from a blank
            colours.update(bytes(row[i:i + channels]) for i in range(0, stride, channels * 4))
            if len(colours) >= limit:
                break
    return len(colours)


def test_report_screenshot_is_not_blank(journals, tmp_path):
    browser = chromium()
    if not browser:
        pytest.skip("no chromium to take a screenshot (apt-get install chromium)")
    state_dir, made = journals
    out = tmp_path / "failed.html"
    assert render(state_dir, made["failed"]["runId"], out).returncode == 0
    png = tmp_path / "failed.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1280,1000", f"--screenshot={png}", f"file://{out}#open=3"],
                   capture_output=True, timeout=120)
    assert png.exists() and png.stat().st_size > 10_000
    assert png_colours(png) >= 16, "the screenshot is (nearly) blank"
