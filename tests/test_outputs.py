"""Grading outputs: grades.csv, feedback HTML, Gradescope JSON and the cohort report."""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from markupsafe import escape

from checker.course.results import Outcome
from checker.grade import charts, outputs
from checker.grade.model import Protection, TaskGrade
from checker.grade.report import summarise, write_report

TITLES = {"01": "Hello, Flask", "02": "Routing"}
TASKS = {"hello": "Say hello", "json": "Answer JSON", "routes": "Add the routes"}
HINTS = {"hello": "Return a string.", "json": "Return a dict.", "routes": "Use @app.route."}
SECRET = "hidden-check: SECRET_HEADER must be 'swordfish'"


def grade(
    learner: str,
    exercise: str,
    task: str,
    outcome: Outcome,
    *,
    max_points: int = 2,
    message: str | None = None,
    hidden: bool = False,
    duration: float = 0.25,
) -> TaskGrade:
    """A gradebook row; a passed task earns its points, anything else earns none."""
    if message is None:
        message = "" if outcome is Outcome.PASSED else f"{task}: {outcome.value}"
    return TaskGrade(
        learner=learner,
        exercise=exercise,
        exercise_title=TITLES.get(exercise, f"Exercise {exercise}"),
        task=task,
        task_title=TASKS.get(task, task.title()),
        outcome=outcome,
        points=max_points if outcome is Outcome.PASSED else 0,
        max_points=max_points,
        message=message,
        hint=HINTS.get(task, "Read the lesson again."),
        hidden=hidden,
        duration=duration,
        grader_version="0.1.0",
        graded_at="2026-11-24T10:00:00+00:00",
    )


def learner_rows(learner: str, hello: Outcome, json_: Outcome, routes: Outcome) -> list[TaskGrade]:
    """One learner's three tasks: 01/hello (2 points), 01/json (3), 02/routes (4)."""
    return [
        grade(learner, "01", "hello", hello, max_points=2),
        grade(learner, "01", "json", json_, max_points=3),
        grade(learner, "02", "routes", routes, max_points=4),
    ]


P, F, E, T, C, M = (
    Outcome.PASSED,
    Outcome.FAILED,
    Outcome.ERROR,
    Outcome.TIMEOUT,
    Outcome.CRASHED,
    Outcome.MISSING,
)

# alice: clean (6), bob: timeout and missing (0), carol: error and crash (2), dave: nothing submitted.
COHORT = [
    *learner_rows("alice", P, F, P),
    *learner_rows("bob", T, T, M),
    *learner_rows("carol", P, E, C),
    *learner_rows("dave", M, M, M),
]


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        return list(reader.fieldnames or []), list(reader)


# grades.csv


def test_csv_has_a_row_per_learner_with_points_total_and_status(tmp_path: Path) -> None:
    path = tmp_path / "grades.csv"
    outputs.write_csv(list(reversed(COHORT)), path)
    header, rows = read_csv(path)
    assert header == ["learner", "01", "02", "total", "status", "seeds"]
    for row in rows:
        assert row.pop("seeds") == ""  # these rows were not drawn from a seed
    assert rows == [
        {"learner": "alice", "01": "2", "02": "4", "total": "6", "status": ""},
        {
            "learner": "bob",
            "01": "0",
            "02": "0",
            "total": "0",
            "status": "01: timeout; 02: missing",
        },
        {
            "learner": "carol",
            "01": "2",
            "02": "0",
            "total": "2",
            "status": "01/json: error; 02: crashed",
        },
        {
            "learner": "dave",
            "01": "0",
            "02": "0",
            "total": "0",
            "status": "01: missing; 02: missing",
        },
    ]


def test_csv_marks_an_exercise_never_graded_instead_of_recording_zero(tmp_path: Path) -> None:
    rows = [*learner_rows("alice", P, P, P), *learner_rows("bob", P, P, P)[:2]]
    outputs.write_csv(rows, tmp_path / "grades.csv")
    _, got = read_csv(tmp_path / "grades.csv")
    assert got[1] == {
        "learner": "bob",
        "01": "5",
        "02": "",
        "total": "5",
        "status": "02: not graded",
        "seeds": "",
    }


def test_csv_with_no_learners_is_just_the_header(tmp_path: Path) -> None:
    outputs.write_csv([], tmp_path / "grades.csv")
    assert (tmp_path / "grades.csv").read_bytes() == b"learner,total,status,seeds\r\n"


def test_csv_keeps_awkward_names_intact_and_never_a_formula(tmp_path: Path) -> None:
    names = ['Zoë "Z", Smith', "line\nbreak", '=HYPERLINK("http://x")', "@SUM(A1)"]
    rows = [grade(name, "01", "hello", P) for name in names]
    outputs.write_csv(rows, tmp_path / "grades.csv")
    _, got = read_csv(tmp_path / "grades.csv")
    assert [row["learner"] for row in got] == [
        '\'=HYPERLINK("http://x")',
        "'@SUM(A1)",
        'Zoë "Z", Smith',
        "line\nbreak",
    ]
    assert [row["total"] for row in got] == ["2"] * 4


# feedback/<learner>.html


def test_feedback_shows_every_task_with_outcome_points_message_and_hint(tmp_path: Path) -> None:
    outputs.write_feedback(COHORT, tmp_path / "feedback", show_hidden=False)
    assert sorted(p.name for p in (tmp_path / "feedback").iterdir()) == [
        "alice.html",
        "bob.html",
        "carol.html",
        "dave.html",
    ]
    page = (tmp_path / "feedback" / "alice.html").read_text(encoding="utf-8")
    for text in ("Say hello", "Answer JSON", "Add the routes", "Hello, Flask", "Routing"):
        assert text in page
    assert "json: failed" in page  # the message
    assert "0/3" in page and "2/2" in page and "4/4" in page
    assert "6/9" in page  # the total
    assert HINTS["json"] in page  # the failing task's hint
    assert HINTS["hello"] not in page  # no hint for a task that passed


def test_feedback_for_a_learner_who_submitted_nothing(tmp_path: Path) -> None:
    outputs.write_feedback(COHORT, tmp_path, show_hidden=False)
    page = (tmp_path / "dave.html").read_text(encoding="utf-8")
    assert page.count(">missing<") == 3
    assert "0/9" in page


def hidden_cohort() -> list[TaskGrade]:
    return [
        grade("alice", "01", "hello", P),
        grade("alice", "01", "json", F, max_points=3, message=SECRET, hidden=True),
        grade("bob", "01", "hello", P),
        grade("bob", "01", "json", P, max_points=3, message="", hidden=True),
    ]


def feedback_text(folder: Path) -> str:
    return (folder / "alice.html").read_text(encoding="utf-8")


def gradescope_text(folder: Path) -> str:
    return (folder / "alice" / "results.json").read_text(encoding="utf-8")


WRITERS = [
    pytest.param(outputs.write_feedback, feedback_text, id="feedback"),
    pytest.param(outputs.write_gradescope, gradescope_text, id="gradescope"),
]


@pytest.mark.parametrize(("write", "read"), WRITERS)
def test_hidden_check_messages_never_reach_learners(
    tmp_path: Path, write: Callable[..., None], read: Callable[[Path], str]
) -> None:
    write(hidden_cohort(), tmp_path, show_hidden=False)
    text = read(tmp_path)
    assert "SECRET_HEADER" not in text and "swordfish" not in text
    assert outputs.HIDDEN_NOTICE in text
    assert HINTS["json"] in text  # the task's hint is the learner's to see


@pytest.mark.parametrize(("write", "read"), WRITERS)
def test_hidden_check_messages_shown_when_the_instructor_asks(
    tmp_path: Path, write: Callable[..., None], read: Callable[[Path], str]
) -> None:
    write(hidden_cohort(), tmp_path, show_hidden=True)
    assert "SECRET_HEADER" in read(tmp_path)


def test_a_passed_hidden_check_does_not_claim_a_failure(tmp_path: Path) -> None:
    outputs.write_feedback(hidden_cohort(), tmp_path, show_hidden=False)
    assert outputs.HIDDEN_NOTICE not in (tmp_path / "bob.html").read_text(encoding="utf-8")


def test_feedback_escapes_html_and_keeps_newlines_and_unicode(tmp_path: Path) -> None:
    message = "<script>alert('x')</script>\nline two: ünïcødé ✓ & 日本"
    rows = [
        grade("<b>eve</b>", "01", "hello", F, message=message),
        grade("<b>eve</b>", "01", "json", P, max_points=3),
    ]
    outputs.write_feedback(rows, tmp_path, show_hidden=False)
    [page_path] = tmp_path.iterdir()
    page = page_path.read_text(encoding="utf-8")
    assert "<script" not in page and "<b>eve" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\nline two: ünïcødé ✓ &amp; 日本" in page
    assert "Feedback for &lt;b&gt;eve&lt;/b&gt;" in page


def test_feedback_cuts_a_huge_message(tmp_path: Path) -> None:
    rows = [grade("alice", "01", "hello", F, message="x" * 1_000_000)]
    outputs.write_feedback(rows, tmp_path, show_hidden=False)
    page = (tmp_path / "alice.html").read_text(encoding="utf-8")
    assert len(page) < 30_000
    assert f"({1_000_000 - outputs.FEEDBACK_MESSAGE_CHARS} more characters)" in page


HOSTILE = [
    "../x",
    "../../etc/passwd",
    "<script>",
    "a b",
    "a_b",
    "Alice",
    "alice",
    ".bashrc",
    "",
    "/abs",
]


@pytest.mark.parametrize("write", [outputs.write_feedback, outputs.write_gradescope])
def test_hostile_learner_names_stay_inside_the_folder_one_file_each(
    tmp_path: Path, write: Callable[..., None]
) -> None:
    folder = tmp_path / "out" / "inner"
    rows = [grade(name, "01", "hello", P, message=f"row of [{name}]") for name in HOSTILE]
    write(rows, folder, show_hidden=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["inner"]
    written = sorted(folder.iterdir())
    assert len(written) == len(HOSTILE)  # no two learners share (and overwrite) a file
    for path in written:
        assert re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*", path.name), path.name
    names = outputs.file_names(HOSTILE)
    assert len({stem.casefold() for stem in names.values()}) == len(HOSTILE)  # macOS, Windows
    for learner in HOSTILE:  # each learner's file holds that learner's results
        if write is outputs.write_feedback:
            page = (folder / f"{names[learner]}.html").read_text(encoding="utf-8")
            assert f"Feedback for {escape(learner)}</h1>" in page
        else:
            results = json.loads((folder / names[learner] / "results.json").read_text())
            assert results["output"] == f"{learner}: 2/2 points"


def test_file_names_keep_safe_names_and_are_stable() -> None:
    names = outputs.file_names(["alice", "bob.smith-2", "a b", "../x"])
    assert names["alice"] == "alice"
    assert names["bob.smith-2"] == "bob.smith-2"
    assert re.fullmatch(r"a_b-[0-9a-f]{8}", names["a b"])
    assert re.fullmatch(r"_x-[0-9a-f]{8}", names["../x"])
    assert outputs.file_names(["a b", "zed"])["a b"] == names["a b"]


# gradescope/<learner>/results.json


def test_gradescope_results_follow_the_format_and_add_up(tmp_path: Path) -> None:
    outputs.write_gradescope(COHORT, tmp_path, show_hidden=False)
    results = json.loads((tmp_path / "carol" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 2
    assert results["execution_time"] == pytest.approx(0.75)
    tests = results["tests"]
    assert [test["number"] for test in tests] == ["01.hello", "01.json", "02.routes"]
    assert [(t["score"], t["max_score"], t["status"]) for t in tests] == [
        (2, 2, "passed"),
        (0, 3, "failed"),
        (0, 4, "failed"),
    ]
    assert sum(test["score"] for test in tests) == results["score"]
    for test in tests:
        assert {"name", "score", "max_score", "status", "output"} <= test.keys()
        assert isinstance(test["output"], str)
    assert tests[1]["name"] == "01 · Hello, Flask: Answer JSON"
    assert tests[2]["output"].startswith("Outcome: crashed")
    assert "Hint: Use @app.route." in tests[2]["output"]
    assert tests[2]["tags"] == ["02", "crashed"]


def test_gradescope_with_no_learners_writes_nothing(tmp_path: Path) -> None:
    outputs.write_gradescope([], tmp_path / "gradescope", show_hidden=False)
    assert list((tmp_path / "gradescope").iterdir()) == []


# report.html

CHART_IDS = ("chart-score-distribution", "chart-pass-rate", "chart-failures", "chart-timeouts")
PROTECTIONS = [
    Protection("memory limit", True, "512 MB address space"),
    Protection("network namespace", False, "unshare(CLONE_NEWNET) not permitted"),
]


def svg(page: str, chart_id: str) -> str:
    """The markup of one chart."""
    match = re.search(rf'<svg id="{chart_id}".*?</svg>', page, re.S)
    assert match, f"no svg with id {chart_id}"
    return match.group(0)


def test_report_has_the_four_charts_each_with_a_title(tmp_path: Path) -> None:
    write_report(COHORT, tmp_path / "report.html", protections=PROTECTIONS)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    for chart_id in CHART_IDS:
        chart = svg(page, chart_id)
        assert re.search(r"<title[^>]*>[^<]+</title>", chart)
        assert "<rect" in chart


def test_report_counts_scores_pass_rates_and_incidents(tmp_path: Path) -> None:
    summary = summarise(COHORT)
    assert summary.totals == [6, 0, 2, 0]
    assert summary.max_total == 9
    assert [(t.task, t.passed, t.graded) for t in summary.tasks] == [
        ("hello", 2, 4),
        ("json", 0, 4),
        ("routes", 1, 4),
    ]
    incidents = {(i.exercise, i.outcome): i.learners for i in summary.incidents}
    assert incidents == {
        ("01", "timeout"): ("bob",),
        ("01", "crashed"): (),
        ("01", "flagged"): (),
        ("02", "timeout"): (),
        ("02", "crashed"): ("carol",),
        ("02", "flagged"): (),
    }
    write_report(COHORT, tmp_path / "report.html", protections=PROTECTIONS)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "50% (2/4)" in svg(page, "chart-pass-rate")
    assert "25% (1/4)" in svg(page, "chart-pass-rate")
    histogram = svg(page, "chart-score-distribution")
    assert "0 points: 2 learners" in histogram and "6 points: 1 learner<" in histogram
    assert 'id="stat-learners"><b>4</b>' in page
    assert 'id="stat-mean"><b>2.0</b>' in page


def test_histogram_bins_cover_every_total_once() -> None:
    totals = [0, 5, 6, 99, 100, 100, 37]
    groups = charts.bins(totals, 100)
    assert len(groups) <= 20
    assert sum(group.count for group in groups) == len(totals)
    assert groups[0].low == 0 and groups[-1].high == 100
    assert all(a.high + 1 == b.low for a, b in itertools.pairwise(groups))
    assert [group.label for group in charts.bins([1], 3)] == ["0", "1", "2", "3"]


def test_report_ranks_failure_messages_per_exercise_counting_learners(tmp_path: Path) -> None:
    rows: list[TaskGrade] = []
    for number in range(8):  # learner l{n} fails tasks t0..t{n-1}: "m0 wrong" is the most common
        learner = f"l{number}"
        for k in range(7):
            outcome = F if k < number else P
            rows.append(grade(learner, "01", f"t{k}", outcome, message=f"m{k} wrong"))
    # the same message in two tasks of one learner counts that learner once
    rows.append(grade("l7", "01", "extra", F, message="m0 wrong"))
    failures = summarise(rows).failures
    assert [(f.message, f.learners) for f in failures] == [
        ("m0 wrong", 7),
        ("m1 wrong", 6),
        ("m2 wrong", 5),
        ("m3 wrong", 4),
        ("m4 wrong", 3),
    ]
    write_report(rows, tmp_path / "report.html", protections=[])
    chart = svg((tmp_path / "report.html").read_text(encoding="utf-8"), "chart-failures")
    assert "m4 wrong" in chart and "m5 wrong" not in chart


def test_report_lists_who_timed_out_or_crashed_and_the_protections(tmp_path: Path) -> None:
    write_report(COHORT, tmp_path / "report.html", protections=PROTECTIONS)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="timeouts">') : page.index('<section id="protections">')]
    assert re.search(
        r">timeout</span></td>\s*<td class=\"num\">1</td>\s*<td[^>]*>bob</td>", section
    )
    assert re.search(
        r">crashed</span></td>\s*<td class=\"num\">1</td>\s*<td[^>]*>carol</td>", section
    )
    assert "alice" not in section
    protections = page[page.index('<section id="protections">') :]
    assert re.search(r"memory limit</td>\s*<td><span class=\"badge active\">active", protections)
    assert re.search(
        r"network namespace</td>\s*<td><span class=\"badge inactive\">inactive", protections
    )
    assert "unshare(CLONE_NEWNET) not permitted" in protections


def test_report_with_no_learners_still_renders_every_chart(tmp_path: Path) -> None:
    write_report([], tmp_path / "report.html", protections=[])
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    for chart_id in CHART_IDS:
        assert "<title" in svg(page, chart_id)
    assert "No learners were graded." in page


def test_report_escapes_and_cuts_messages_and_shows_hidden_ones(tmp_path: Path) -> None:
    hostile = "<img src=x onerror=alert(1)>\n" + "é" * 5_000
    rows = [
        grade("<i>mallory</i>", "01", "hello", F, message=hostile),
        grade("alice", "01", "hello", F, message=SECRET, hidden=True),
    ]
    write_report(rows, tmp_path / "report.html", protections=[], title="Cohort <2026>")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<img" not in page and "<i>mallory" not in page and "<2026>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;i&gt;mallory&lt;/i&gt;" in page
    assert page.count("é") < 2_000  # cut in the chart, the table and the tooltips
    assert "more characters)" in page
    assert "SECRET_HEADER" in page  # the instructor sees hidden checks' messages
    assert "hidden check" in page


def test_report_needs_nothing_from_the_network(tmp_path: Path) -> None:
    write_report(COHORT, tmp_path / "report.html", protections=PROTECTIONS)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert re.findall(r"https?://[^\s\"')]+", page) == ["http://www.w3.org/2000/svg"] * 4
