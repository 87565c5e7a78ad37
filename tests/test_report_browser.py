"""The cohort report in a real headless browser (Debian's Chromium): it renders, with its charts."""

from __future__ import annotations

import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checker.grade.model import Protection
from checker.grade.report import write_report
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS, needs_chromium
from tests.test_outputs import CHART_IDS, COHORT

pytestmark = needs_chromium


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [str(CHROMIUM), "--headless", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


class ChartShapes(HTMLParser):
    """The elements inside each ``<svg id=...>`` of a DOM, with their parent's tag."""

    def __init__(self) -> None:
        super().__init__()
        self.shapes: dict[str, list[tuple[str, str, dict[str, str]]]] = {}
        self._chart: str | None = None
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "svg" and found.get("id"):
            self._chart, self._open = found["id"], ["svg"]
            self.shapes[self._chart] = []
        elif self._chart is not None:
            self.shapes[self._chart].append((tag, self._open[-1], found))
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._chart is None:
            return
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]
        if not self._open:
            self._chart = None

    def drawn(self, chart: str, tag: str) -> list[dict[str, str]]:
        """The ``tag`` elements the browser draws: direct children of the chart's svg."""
        return [
            attrs for name, parent, attrs in self.shapes[chart] if (name, parent) == (tag, "svg")
        ]


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.html"
    protections = [Protection("memory limit", True, "512 MB"), Protection("uid", False, "not root")]
    write_report(COHORT, path, protections=protections, title="Browser check")
    return path


def test_report_renders_with_every_chart(tmp_path: Path, report: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", report.as_uri()).stdout
    assert "<title>Browser check</title>" in dom
    parser = ChartShapes()
    parser.feed(dom)
    assert set(CHART_IDS) <= parser.shapes.keys()
    for chart_id in CHART_IDS:
        assert parser.drawn(chart_id, "title"), chart_id
        assert parser.drawn(chart_id, "rect") and parser.drawn(chart_id, "text"), chart_id
    bars = parser.drawn("chart-score-distribution", "rect")
    assert any(float(bar["height"]) > 0 for bar in bars)
    assert "Sandbox protections" in dom and "inactive" in dom


def test_report_paints_a_page(tmp_path: Path, report: Path) -> None:
    shot = tmp_path / "report.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,2000", report.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (1200, 2000)
    assert len(data) > 20_000  # a blank page compresses to a few kilobytes
