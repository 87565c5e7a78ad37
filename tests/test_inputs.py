"""Inputs drawn from a seed: the generator, and the ``inputs`` fixture in a real pytest run."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from checker.runtime.inputs import NAMES, SEED_LIMIT, Inputs, derive

Exercise = Callable[..., Path]


def draws(seed: int, key: str = "01::test_x[]") -> list[object]:
    inputs = Inputs(seed, key)
    return [
        inputs.name(),
        inputs.integer(-5, 5),
        inputs.integers(3, 1, 10),
        inputs.decimal(-50, 50),
        inputs.word(),
        inputs.email("Zoë"),
        inputs.shuffled([1, 2, 3]),
        inputs.sample("abcdef", 2),
        inputs.choice(["x", "y", "z"]),
    ]


def test_the_same_seed_and_check_draw_the_same_values():
    assert draws(42) == draws(42)
    assert draws(42) != draws(43)
    assert draws(42) != draws(42, "01::test_y[]"), "each check draws values of its own"


def test_derived_seeds_are_stable_and_bounded():
    # sha256, not hash(): the same on every machine and in every process.
    assert derive(1, "ada", "02") == derive(1, "ada", "02")
    assert derive(1, "ada", "02") != derive(1, "bob", "02")
    assert all(0 <= derive(seed, "x") < SEED_LIMIT for seed in range(50))
    assert Inputs(7, "k").name() == Inputs(7, "k").name()


def test_values_stay_in_their_bounds_and_avoid_what_they_must():
    for seed in range(200):
        inputs = Inputs(seed, "bounds")
        assert -3 <= inputs.integer(-3, 3, avoid=[0]) <= 3
        assert inputs.integer(-3, 3, avoid=[-3, -2, -1, 1, 2, 3]) == 0
        numbers = inputs.integers(4, 1, 4)
        assert sorted(numbers) == [1, 2, 3, 4]
        decimal = inputs.decimal(-2, 2)
        assert -2 < decimal < 2 and (decimal * 4).is_integer() and not decimal.is_integer()
        word = inputs.word()
        assert 4 <= len(word) <= 8 and word.isalpha() and word.islower()
        assert inputs.name(avoid=NAMES).isalpha()  # only a made-up name is left
        assert re.fullmatch(r"[a-z0-9]+@[a-z.]+", inputs.email())


def test_names_are_often_not_ascii_and_never_the_brief_examples():
    names = {Inputs(seed, "names").name() for seed in range(300)}
    assert len(names) > 30
    assert sum(not name.isascii() for name in names) > len(names) // 3
    assert not names & {"Ada", "Grace", "World"}


def test_impossible_draws_are_refused():
    inputs = Inputs(1, "k")
    with pytest.raises(ValueError):
        inputs.integer(1, 2, avoid=[1, 2])
    with pytest.raises(ValueError):
        inputs.sample([1, 2], 3)
    with pytest.raises(ValueError):
        inputs.choice([])


def test_describe_names_every_value_drawn_with_its_label():
    inputs = Inputs(3, "k")
    name = inputs.name(label="name")
    pair = inputs.integers(2, 1, 9, label="a, b")
    assert inputs.describe() == f"name={name!r}, a, b={pair!r}"


CHECKS = """\
import pytest
from checker.api import expect_text


@pytest.mark.task("hello")
def test_hello(client, inputs):
    name = inputs.name(label="name")
    response = client.get("/", query_string={"name": name})
    expect_text(response, f"Hello, {name}!")


@pytest.mark.task("json")
@pytest.mark.parametrize("case", ["one", "two"])
def test_json(client, inputs, case):
    inputs.integer(1, 10**6, label=case)
    assert False, "always fails"
"""

HARD_CODED = """\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, Ada!"
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("--check-timeout", "2", *args)


def test_a_failing_check_names_what_it_drew_and_the_seed(pytester, make_exercise: Exercise):
    make_exercise(HARD_CODED, checks=CHECKS)
    result = run(pytester, "exercises/01", "--workbook-seed", "1234")
    assert result.ret == 1
    out = result.stdout.str()
    drew = re.search(r"This check drew name='([^']+)' \(seed 1234: `pytest exercises/01 "
                     r"--workbook-seed 1234` draws the same\)\.", out)  # fmt: skip
    assert drew, out
    assert f"expected 'Hello, {drew.group(1)}!'" in out
    assert "inputs drawn with seed 1234 (--workbook-seed 1234 draws them again)" in out
    assert result.stdout.lines[-1].startswith("score: 0/5")
    again = run(pytester, "exercises/01", "--workbook-seed", "1234")
    assert again.stdout.str().count(drew.group(0)) == 1, "the same seed draws the same name"


def test_each_parametrized_case_draws_its_own_values(pytester, make_exercise: Exercise):
    make_exercise(HARD_CODED, checks=CHECKS)
    out = run(pytester, "exercises/01", "--workbook-seed", "5", "-p", "no:randomly").stdout.str()
    one = re.search(r"This check drew one=(\d+)", out)
    assert one, out
    # The task shows its first failing check; its value is the same in a second run.
    rerun = run(pytester, "exercises/01", "--workbook-seed", "5").stdout.str()
    assert f"one={one.group(1)}" in rerun


def test_without_a_seed_each_run_draws_afresh_and_says_from_what(
    pytester, make_exercise: Exercise
):
    make_exercise(HARD_CODED, checks=CHECKS)
    seeds = set()
    for _ in range(2):
        out = run(pytester, "exercises/01").stdout.str()
        found = re.search(r"inputs drawn with seed (\d+)", out)
        assert found, out
        seeds.add(found.group(1))
    assert len(seeds) == 2


def test_a_negative_seed_is_a_usage_error(pytester, make_exercise: Exercise):
    make_exercise()
    result = run(pytester, "exercises/01", "--workbook-seed", "-1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--workbook-seed must be a whole number" in result.stderr.str()


def test_checks_that_draw_nothing_print_no_seed(pytester, make_exercise: Exercise):
    make_exercise()
    assert "inputs drawn with seed" not in run(pytester, "exercises/01").stdout.str()
