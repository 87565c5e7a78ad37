"""The mutation check's machinery: making mutants, listing equivalents, checking in a worker."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.course.equivalents import EquivalentsError, entry_for, load_equivalents
from checker.course.manifest import Exercise, Task
from checker.course.mutants import Mutant, mutants_of, python_mutants, template_mutants
from checker.course.mutation import (
    NO_CHECK_RAN,
    Score,
    Worker,
    sample,
    submission_with,
    verdict_of,
)
from checker.course.results import ExerciseResult, Outcome, TaskResult

APP = '''\
"""A docstring is never mutated."""

from flask import Flask, abort, request

app = Flask(__name__)

BOOKS = {1: {"title": "Dune"}}


@app.get("/books/<int:book_id>")
def book(book_id):
    if book_id not in BOOKS or book_id < 1:
        abort(404)
    return {"title": BOOKS[book_id]["title"], "café": "ü" + "ö"}, 200


@app.route("/likes", methods=["GET", "POST"])
def likes():
    count = 0
    if request.method == "POST" and not request.args:
        count += 1
    return {"likes": count}, 201
'''


def changes(mutants: list[Mutant]) -> list[tuple[str, str, str]]:
    return [(mutant.change, mutant.before, mutant.after) for mutant in mutants]


def test_python_mutants_make_each_kind_of_edit():
    found = changes(python_mutants("app.py", APP))
    expected = [
        ("`not in` to `in`", "if book_id not in BOOKS or book_id < 1:",
         "if book_id in BOOKS or book_id < 1:"),
        ("`<` to `<=`", "if book_id not in BOOKS or book_id < 1:",
         "if book_id not in BOOKS or book_id <= 1:"),
        ("`or` to `and`", "if book_id not in BOOKS or book_id < 1:",
         "if book_id not in BOOKS and book_id < 1:"),
        ("status `404` to `200`", "abort(404)", "abort(200)"),
        ("`404` to `405`", "abort(404)", "abort(405)"),
        ("removed the statement", "abort(404)", "pass"),
        ("`@...get` to `@...post`", '@app.get("/books/<int:book_id>")',
         '@app.post("/books/<int:book_id>")'),
        ("changed the route's path", '@app.route("/likes", methods=["GET", "POST"])',
         '@app.route("/XXlikes", methods=["GET", "POST"])'),
        ("removed the argument `methods=`", '@app.route("/likes", methods=["GET", "POST"])',
         '@app.route("/likes")'),
        ("removed 'GET' from the list", '@app.route("/likes", methods=["GET", "POST"])',
         '@app.route("/likes", methods=["POST"])'),
        ("method POST to GET", 'if request.method == "POST" and not request.args:',
         'if request.method == "GET" and not request.args:'),
        ("removed `not`", 'if request.method == "POST" and not request.args:',
         'if request.method == "POST" and request.args:'),
        ("`+=` to `-=`", "count += 1", "count -= 1"),
        ("returns None", 'return {"likes": count}, 201', "return None"),
        ("status `201` to `200`", 'return {"likes": count}, 201', 'return {"likes": count}, 200'),
        ("removed the decorator", '@app.route("/likes", methods=["GET", "POST"])', ""),
    ]  # fmt: skip
    for change in expected:
        assert change in found, change


def test_python_mutants_leave_docstrings_imports_and_given_data_alone():
    found = python_mutants("app.py", APP)
    assert not [m for m in found if "docstring" in m.before or "import" in m.before]
    assert not [
        m for m in found if m.before == 'BOOKS = {1: {"title": "Dune"}}' and m.after != "pass"
    ]


def test_python_mutants_find_an_operator_after_text_that_is_not_ascii():
    found = {m.after for m in python_mutants("app.py", APP) if m.change == "`+` to `-`"}
    assert found == {'return {"title": BOOKS[book_id]["title"], "café": "ü" - "ö"}, 200'}


def test_every_mutant_compiles_differs_and_shows_its_line_in_a_diff():
    found = python_mutants("app.py", APP)
    assert len({m.source for m in found}) == len(found)
    for mutant in found:
        compile(mutant.source, "app.py", "exec")
        assert mutant.source != APP
        assert f"-{APP.splitlines()[mutant.line - 1]}" in mutant.diff()


def test_strings_are_replaced_whole_so_a_check_that_looks_inside_still_sees_the_change():
    found = python_mutants("app.py", 'def f():\n    return "Created the tables."\n')
    assert ('changed the string to "XX"', 'return "XX"') in [(m.change, m.after) for m in found]


TEMPLATE = """\
{% extends "base.html" %}
{% block content %}
  {% for book in books %}
    <a href="{{ url_for('book', book_id=book.id) }}">{{ book.rating|stars }}</a>
  {% else %}
    <p class="empty">No books found.</p>
  {% endfor %}
  {% if user %}<p>{{ user }}</p>{% endif %}
{% endblock %}
"""


def test_template_mutants_edit_jinja_and_never_the_plain_html():
    found = changes(template_mutants("books.html", TEMPLATE))
    expected = [
        ("removed `{% extends ... %}`", '{% extends "base.html" %}', ""),
        ('changed the string "base.html"', '{% extends "base.html" %}',
         '{% extends "XXbase.html" %}'),
        ("removed `{{ url_for('book', book_id=book.id) }}`",
         """<a href="{{ url_for('book', book_id=book.id) }}">{{ book.rating|stars }}</a>""",
         '<a href="">{{ book.rating|stars }}</a>'),
        ("removed the filter `|stars`",
         """<a href="{{ url_for('book', book_id=book.id) }}">{{ book.rating|stars }}</a>""",
         """<a href="{{ url_for('book', book_id=book.id) }}">{{ book.rating }}</a>"""),
        ("removed the `{% else %}` branch", '{% else %}\n<p class="empty">No books found.</p>', ""),
        ("`{% if user %}` to `{% if not (user) %}`", "{% if user %}<p>{{ user }}</p>{% endif %}",
         "{% if not (user) %}<p>{{ user }}</p>{% endif %}"),
    ]  # fmt: skip
    for change in expected:
        assert change in found, change
    for mutant in template_mutants("books.html", TEMPLATE):
        if '<p class="empty">No books found.</p>' not in mutant.source:  # only with its branch
            assert mutant.before.startswith("{%"), mutant.diff()


def test_mutants_of_a_folder_take_python_and_templates_and_skip_what_does_not_parse(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "app.py").write_text("x = 1 + 2\n")
    (tmp_path / "templates" / "a.html").write_text("{% if x %}{{ x }}{% endif %}")
    (tmp_path / "notes.md").write_text("not a learner's code")
    found = mutants_of(tmp_path, ["app.py", "templates/a.html", "notes.md"])
    assert {m.file for m in found} == {"app.py", "templates/a.html"}
    # Removing the if's closing tag alone would not parse, so no mutant does that.
    assert all("{% if x %}" not in m.source or "{% endif %}" in m.source for m in found)


def test_equivalents_match_by_their_text_and_need_a_reason(tmp_path):
    listed = tmp_path / "01.toml"
    listed.write_text(
        "[[equivalent]]\n"
        'file = "app.py"\n'
        "before = '    abort(404)'\n"
        "after = 'abort(405)'\n"
        'reason = "a reason"\n'
    )
    (entry,) = load_equivalents(listed)
    abort = python_mutants("app.py", APP)
    assert [m.change for m in abort if entry.matches(m)] == ["`404` to `405`"]
    assert load_equivalents(tmp_path / "none.toml") == []
    listed.write_text('[[equivalent]]\nfile = "app.py"\nbefore = "x"\nafter = "y"\nreason = " "\n')
    with pytest.raises(EquivalentsError, match="needs a reason"):
        load_equivalents(listed)
    listed.write_text('[[equivalents]]\nfile = "app.py"\n')
    with pytest.raises(EquivalentsError, match="unknown keys"):
        load_equivalents(listed)


def test_the_entry_printed_for_a_survivor_lists_it_once_pasted(tmp_path):
    for mutant in python_mutants("app.py", APP):
        listed = tmp_path / "NN.toml"
        listed.write_text(entry_for(mutant).replace('"..."', '"why"'))
        (entry,) = load_equivalents(listed)
        assert entry.matches(mutant), entry_for(mutant)


def test_a_sample_is_the_same_on_every_run_and_keeps_file_order():
    found = python_mutants("app.py", APP)
    chosen = sample(found, 5)
    assert chosen == sample(list(found), 5)
    assert len(chosen) == 5 and [m.line for m in chosen] == sorted(m.line for m in chosen)
    assert sample(found, len(found) + 1) == found


HELLO = Task("hello", "Say hello", 2, ("a", "b"))
JSON = Task("json", "Answer JSON", 3, ("a", "b"))
EXERCISE = Exercise(
    "01", "Tiny", Path("exercises/01"), "01_tiny.ipynb", ("app.py",), "app", "app", False,
    tasks=(HELLO, JSON),
)  # fmt: skip


def result(*tasks: TaskResult, problem: str = "") -> list[ExerciseResult]:
    return [ExerciseResult(EXERCISE, tasks, problem)]


def test_verdict_names_the_task_that_failed_not_one_that_never_ran():
    failed = TaskResult(JSON, Outcome.FAILED, 0, "GET /json answered 404, expected 200\nfix: ...")
    unrun = TaskResult(HELLO, Outcome.MISSING, 0, NO_CHECK_RAN)
    verdict = verdict_of(result(unrun, failed))
    assert verdict.killed and verdict.reason == "json failed: GET /json answered 404, expected 200"
    passed = verdict_of(
        result(TaskResult(HELLO, Outcome.PASSED, 2), TaskResult(JSON, Outcome.PASSED, 3))
    )
    assert not passed.killed and not passed.broken
    assert verdict_of(result(problem="SyntaxError: app.py, line 3")).killed
    assert verdict_of([]).broken


def test_score_counts_what_was_checked_and_shows_each_survivor():
    survivor = python_mutants("app.py", APP)[0]
    score = Score("04", made=40, equivalent=2, checked=38, survivors=(survivor,))
    assert score.killed == 37 and round(score.ratio, 3) == round(37 / 38, 3)
    assert score.line().startswith(
        "module 04: 97.4% of mutants killed, 37 of 38 (40 made, 2 listed"
    )
    assert f"survived: app.py, line {survivor.line}" in score.report()
    assert survivor.diff().splitlines()[-1].strip() in score.report()
    sampled = Score("07", made=300, equivalent=0, checked=150, survivors=())
    assert "a fixed sample of 150 of the 300 others" in sampled.line()


CHECKS = """\
import pytest
from checker.api import expect_status, expect_text


@pytest.mark.task("hello")
def test_hello(client):
    response = client.get("/")
    expect_status(response, 200)
    expect_text(response, "Hello, World!")


@pytest.mark.task("json")
def test_json(client):
    expect_status(client.get("/json"), 200)
"""
SOLUTION = """\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"


@app.route("/json")
def answer():
    return {"ok": True}
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="each mutant is checked in a forked child")
def test_worker_kills_wrong_hanging_and_exiting_mutants_and_spares_a_correct_one(
    make_exercise, tmp_path, monkeypatch
):
    scratch = tmp_path / "tmp"  # the worker's temporary folder: nothing may be left in it
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    folder = make_exercise(SOLUTION, checks=CHECKS)
    solution = tmp_path / "solution"
    solution.mkdir()
    (solution / "app.py").write_text(SOLUTION)

    def mutant(old: str, new: str) -> Mutant:
        return Mutant("app.py", 1, "edit", SOLUTION, SOLUTION.replace(old, new))

    mutants = [
        mutant('"Hello, World!"', '"Hello!"'),  # wrong
        mutant('{"ok": True}', '{"ok": False}'),  # these checks do not look
        mutant('return "Hello, World!"', "while True:\n        pass"),  # hangs: the budget ends it
        mutant("app = Flask(__name__)", "import os\nos._exit(0)"),  # ends its process
    ]
    submissions = [submission_with(solution, m, tmp_path / str(i)) for i, m in enumerate(mutants)]
    assert (submissions[0] / "app.py").read_text() == mutants[0].source
    with Worker(folder, solution, jobs=2, budget=2.0) as worker:
        assert not worker.solution.killed and not worker.solution.broken
        verdicts = {index: verdict for index, verdict, _ in worker.check(submissions)}
    assert verdicts[0].killed and verdicts[0].reason.startswith("hello failed")
    assert not verdicts[1].killed
    assert verdicts[2].killed and "longer than 2 s" in verdicts[2].reason
    assert verdicts[3].killed and "ended the process" in verdicts[3].reason
    assert sorted(path.name for path in scratch.iterdir()) == []  # not even the hanging one's
