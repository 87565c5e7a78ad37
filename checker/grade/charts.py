"""Small SVG charts as plain geometry: rectangles, lines and labels the report template draws.

Each function turns numbers into a ``Chart``; it does no I/O and knows nothing about HTML.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

FONT = 12  # px; labels are cut to fit by characters, at about 0.6 em per character


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str  # a class name from the report's style sheet
    tooltip: str = ""


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    css: str = "axis"


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start, middle or end
    css: str = ""


@dataclass(frozen=True)
class Chart:
    """One chart: an id for the page, a title for screen readers, and its shapes."""

    id: str
    title: str
    description: str
    width: int
    height: int
    rects: tuple[Rect, ...] = ()
    lines: tuple[Line, ...] = ()
    labels: tuple[Label, ...] = ()


def short(text: str, chars: int) -> str:
    """``text`` on one line, cut to ``chars`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= chars else flat[: max(chars - 1, 0)].rstrip() + "…"


def _empty(chart_id: str, title: str, text: str, width: int = 960) -> Chart:
    return Chart(
        chart_id, title, text, width, 60, labels=(Label(width / 2, 35, text, "middle", "note"),)
    )


@dataclass(frozen=True)
class Bin:
    """A histogram bin: learners whose total is in [low, high] (both inclusive, whole points)."""

    low: int
    high: int
    count: int

    @property
    def label(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}\N{EN DASH}{self.high}"


def bins(totals: Sequence[int], max_total: int, most: int = 20) -> list[Bin]:
    """Whole-point bins from 0 to ``max_total``: one per point when that is ``most`` or fewer."""
    width = max(1, math.ceil((max_total + 1) / most))
    edges = list(range(0, max_total + 1, width))
    result = []
    for low in edges:
        high = min(low + width - 1, max_total)
        result.append(Bin(low, high, sum(low <= total <= high for total in totals)))
    above = sum(total > max_total for total in totals)  # should not happen; never drop a learner
    if above and result:
        last = result[-1]
        result[-1] = Bin(last.low, max(totals), last.count + above)
    return result


def score_distribution(totals: Sequence[int], max_total: int) -> Chart:
    """A histogram of learners' totals."""
    chart_id, title = "chart-score-distribution", "Score distribution"
    if not totals:
        return _empty(chart_id, title, "No learners were graded.")
    groups = bins(totals, max_total)
    width, height = 960, 280
    left, right, top, bottom = 44, 12, 24, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(group.count for group in groups)
    step = plot_w / len(groups)
    rects, labels, lines = [], [], []
    for tick in _ticks(peak):
        y = top + plot_h - plot_h * tick / peak
        lines.append(Line(left, y, width - right, y, "grid"))
        labels.append(Label(left - 6, y + 4, str(tick), "end", "tick"))
    for number, group in enumerate(groups):
        x = left + number * step
        bar = plot_h * group.count / peak
        learners = "learner" if group.count == 1 else "learners"
        tooltip = f"{group.label} points: {group.count} {learners}"
        rects.append(Rect(x + 2, top + plot_h - bar, max(step - 4, 1), bar, "bar", tooltip))
        if group.count:
            labels.append(Label(x + step / 2, top + plot_h - bar - 5, str(group.count), "middle"))
        labels.append(Label(x + step / 2, top + plot_h + 16, group.label, "middle", "tick"))
    lines.append(Line(left, top + plot_h, width - right, top + plot_h))
    labels.append(Label(left + plot_w / 2, height - 6, f"total points (of {max_total})", "middle"))
    description = (
        f"Totals of {len(totals)} learner{'' if len(totals) == 1 else 's'} in {len(groups)} bins"
        f" from 0 to {max_total}."
    )
    return Chart(
        chart_id, title, description, width, height, tuple(rects), tuple(lines), tuple(labels)
    )


def _ticks(peak: int) -> list[int]:
    """Up to five round values from 0 to ``peak`` for a count axis."""
    step = max(1, math.ceil(peak / 4))
    return list(range(0, peak + 1, step))


@dataclass(frozen=True)
class Rate:
    """One bar of a horizontal bar chart: ``part`` of ``whole``."""

    label: str
    part: int
    whole: int
    tooltip: str = ""

    @property
    def fraction(self) -> float:
        return self.part / self.whole if self.whole else 0.0


def pass_rate(rates: Sequence[Rate]) -> Chart:
    """Horizontal bars: the share of learners who passed each task."""
    chart_id, title = "chart-pass-rate", "Pass rate per task"
    if not rates:
        return _empty(chart_id, title, "No tasks were graded.")
    width, label_w, bar_w, row = 960, 380, 420, 24
    top = 8
    height = top + row * len(rates) + 8
    rects, labels, lines = [], [], []
    for number, rate in enumerate(rates):
        y = top + number * row
        css = "good" if rate.fraction >= 0.8 else "fair" if rate.fraction >= 0.5 else "poor"
        rects.append(Rect(label_w, y + 4, bar_w, row - 8, "track"))
        if rate.part:
            tooltip = rate.tooltip or rate.label
            rects.append(Rect(label_w, y + 4, bar_w * rate.fraction, row - 8, css, tooltip))
        labels.append(Label(label_w - 8, y + row / 2 + 4, short(rate.label, 58), "end"))
        text = f"{round(100 * rate.fraction)}% ({rate.part}/{rate.whole})"
        labels.append(Label(label_w + bar_w + 8, y + row / 2 + 4, text, "start", "value"))
    lines.append(Line(label_w, top, label_w, height - 8))
    description = f"Share of learners who passed each of {len(rates)} tasks."
    return Chart(
        chart_id, title, description, width, height, tuple(rects), tuple(lines), tuple(labels)
    )


@dataclass(frozen=True)
class Group:
    """A heading and its bars, for a chart grouped by exercise."""

    heading: str
    rates: tuple[Rate, ...]


def failures(groups: Sequence[Group], learners: int) -> Chart:
    """Per exercise, its most common failure messages as bars of how many learners saw them."""
    chart_id, title = "chart-failures", "Most common failure messages per exercise"
    if not any(group.rates for group in groups):
        return _empty(chart_id, title, "No task failed.")
    width, count_w, bar_w, row = 960, 48, 200, 22
    text_x = count_w + bar_w + 12
    y = 4.0
    rects, labels = [], []
    for group in groups:
        if not group.rates:
            continue
        labels.append(Label(0, y + 16, short(group.heading, 120), "start", "heading"))
        y += 24
        for rate in group.rates:
            labels.append(Label(count_w - 8, y + row / 2 + 4, str(rate.part), "end", "value"))
            rects.append(Rect(count_w, y + 4, bar_w, row - 8, "track"))
            share = bar_w * rate.part / max(learners, 1)
            rects.append(Rect(count_w, y + 4, max(share, 2), row - 8, "poor", rate.tooltip))
            labels.append(Label(text_x, y + row / 2 + 4, short(rate.label, 110), "start", "mono"))
            y += row
        y += 8
    description = "For each exercise, up to five messages and how many learners got each."
    return Chart(chart_id, title, description, width, math.ceil(y), tuple(rects), (), tuple(labels))


def incidents(counts: Sequence[tuple[str, int, int]]) -> Chart:
    """Grouped bars per exercise: learners with a timeout and learners whose code crashed."""
    chart_id, title = "chart-timeouts", "Timeouts and crashes per exercise"
    if not counts:
        return _empty(chart_id, title, "No exercises were graded.")
    if not any(timeouts or crashes for _, timeouts, crashes in counts):
        return _empty(chart_id, title, "No timeouts or crashes.")
    width, height = 960, 260
    left, right, top, bottom = 44, 12, 36, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max(timeouts, crashes) for _, timeouts, crashes in counts)
    step = plot_w / len(counts)
    bar = min(48.0, step / 2 - 6)
    rects, labels, lines = [], [], []
    for tick in _ticks(peak):
        y = top + plot_h - plot_h * tick / peak
        lines.append(Line(left, y, width - right, y, "grid"))
        labels.append(Label(left - 6, y + 4, str(tick), "end", "tick"))
    for number, (exercise, timeouts, crashes) in enumerate(counts):
        middle = left + number * step + step / 2
        for offset, value, css, word in (
            (-bar - 2, timeouts, "timeout", "timed out"),
            (2, crashes, "crashed", "crashed"),
        ):
            x = middle + offset
            height_ = plot_h * value / peak
            tooltip = f"{exercise}: {value} learner{'' if value == 1 else 's'} {word}"
            rects.append(Rect(x, top + plot_h - height_, bar, height_, css, tooltip))
            labels.append(Label(x + bar / 2, top + plot_h - height_ - 5, str(value), "middle"))
        labels.append(Label(middle, top + plot_h + 16, exercise, "middle", "tick"))
    lines.append(Line(left, top + plot_h, width - right, top + plot_h))
    rects.append(Rect(left, 8, 12, 12, "timeout"))
    labels.append(Label(left + 18, 18, "timeout", "start", "tick"))
    rects.append(Rect(left + 100, 8, 12, 12, "crashed"))
    labels.append(Label(left + 118, 18, "crashed", "start", "tick"))
    labels.append(Label(left + plot_w / 2, height - 6, "exercise (learners affected)", "middle"))
    description = f"Learners with a timeout or a crash in each of {len(counts)} exercises."
    return Chart(
        chart_id, title, description, width, height, tuple(rects), tuple(lines), tuple(labels)
    )
