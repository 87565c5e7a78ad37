"""The ``workbook`` command: the course map, checks and hints for a learner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from checker import course
from checker.course import progress, state
from checker.course.manifest import Exercise
from checker.course.report import Line, hint_lines
from checker.errors import Problem
from checker.runtime import runner


class WorkbookError(Problem):
    """A one-line error for the person at the terminal; exit code 1."""


class _Workbook(click.Group):
    """A click group whose errors are one line, never a usage block or a traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.UsageError as error:
            hint = f" (see: {error.ctx.command_path} --help)" if error.ctx else ""
            click.secho(f"workbook: {error.format_message()}{hint}", err=True, fg="red")
            raise SystemExit(2) from None
        except click.ClickException as error:
            click.secho(f"workbook: {error.format_message()}", err=True, fg="red")
            raise SystemExit(error.exit_code) from None
        except click.Abort:
            click.echo("workbook: stopped", err=True)
            raise SystemExit(130) from None
        except Problem as error:  # every error meant for a person, whichever part raised it
            click.secho(f"workbook: {error.show()}", err=True, fg="red")
            raise SystemExit(error.exit_code) from None
        if isinstance(result, int):
            # Out of standalone mode click returns an exit code instead of exiting with it;
            # exit here, so that `python -m checker.cli` and `workbook` end alike.
            raise SystemExit(result)
        return result


def _root() -> Path:
    return course.find_root()


def _exercises(root: Path) -> list[Exercise]:
    return course.exercises(root)


def _exercise(root: Path, number: str) -> Exercise:
    exercises = _exercises(root)
    wanted = Path(number).name
    if wanted.isdigit():
        wanted = f"{int(wanted):02d}"
    for exercise in exercises:
        if exercise.id == wanted:
            return exercise
    known = ", ".join(exercise.id for exercise in exercises)
    raise WorkbookError(f"there is no exercise {number!r}; the exercises are {known}")


def _count(number: int, one: str, many: str = "") -> str:
    """``1 learner``, ``2 learners``: a number with its noun."""
    return f"{number} {one if number == 1 else many or one + 's'}"


@click.group(cls=_Workbook, invoke_without_command=True)
@click.pass_context
def main(context: click.Context) -> None:
    """Learn Flask by doing. With no command, show the course map and what to do next.

    While you work, keep `workbook watch` open in a second terminal: it checks your exercise
    again each time you save it."""
    if context.invoked_subcommand is None:
        course_map()


def course_map() -> None:
    root = _root()
    exercises = _exercises(root)
    by_id = _summaries(root, exercises)
    changed = course.changed_files(root)
    console = Console()
    table = Table(title="flask-workbook: your course map", title_justify="left")
    table.add_column("#")
    table.add_column("exercise")
    table.add_column("points", justify="right")
    table.add_column("status")
    next_step = ""
    for exercise in exercises:
        result = by_id.get(exercise.id)
        status = _status(root, exercise, result, changed)
        style = {"done": "green", "not started": "dim"}.get(status, "yellow")
        points = f"{result.points if result else 0}/{exercise.points}"
        seen = _solution_seen(root, exercise)
        table.add_row(exercise.id, exercise.title, points, f"[{style}]{status}[/]{seen}")
        if not next_step and status != "done":
            next_step = _next_step(root, exercise, status)
    console.print(table)
    console.print(next_step or "[green]Every exercise passes. Well done![/]")


def _summaries(root: Path, exercises: list[Exercise]) -> dict[str, state.Summary]:
    """Each exercise's last result: checked again only when what it depends on has changed."""
    return progress.summaries(root, exercises)


def _status(
    root: Path, exercise: Exercise, result: state.Summary | None, changed: set[Path] | None
) -> str:
    if result is not None and result.passed:
        return "done"
    passed = result.passed_tasks if result else 0
    untouched = changed is not None and not any(
        (exercise.directory / name).resolve() in changed
        for name in exercise.owned_in(exercise.directory)
    )
    if passed == 0 and (untouched or changed is None):
        return "not started"
    return f"{passed} of {len(exercise.tasks)} tasks"


def _next_step(root: Path, exercise: Exercise, status: str) -> str:
    where = f"exercises/{exercise.id}/{exercise.edit_file}"
    if status == "not started":
        return (
            f"Next: read lessons/{exercise.lesson}, then edit {where} and run "
            f"[bold]pytest exercises/{exercise.id}[/] (or [bold]workbook check {exercise.id}[/])."
        )
    return (
        f"Next: keep going with {where}. [bold]workbook check {exercise.id}[/] shows what still "
        f"fails; [bold]workbook hint {exercise.id}[/] gives a hint."
    )


@main.command("list")
@click.argument("exercise", required=False)
def list_exercises(exercise: str | None) -> None:
    """List the exercises (number, title, how many tasks, points, lesson), or EXERCISE's tasks."""
    root = _root()
    if exercise is not None:
        found = _exercise(root, exercise)
        console = Console(highlight=False, soft_wrap=True)
        console.print(f"exercises/{found.id} · {found.title} (lessons/{found.lesson})")
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column("task", no_wrap=True)
        table.add_column("what it asks")
        table.add_column("points", justify="right")
        for task in found.tasks:
            table.add_row(task.id, task.title, str(task.points))
        console.print(table)
        return
    exercises = _exercises(root)
    # Each exercise's title, and under it its lesson's file, which is never cut short so that it
    # can be copied: the titles wrap instead, and the table fits 80 columns.
    table = Table(title="flask-workbook exercises", title_justify="left", box=box.SIMPLE_HEAD)
    longest = max((len(f"lessons/{exercise.lesson}") for exercise in exercises), default=0)
    table.add_column("#")
    table.add_column("exercise, and its lesson", min_width=longest, overflow="fold")
    table.add_column("tasks", justify="right")
    table.add_column("points", justify="right")
    for found in exercises:
        described = Text(found.title)
        described.append(f"\nlessons/{found.lesson}", style="dim")
        table.add_row(found.id, described, str(len(found.tasks)), str(found.points))
    Console().print(table)
    click.echo("`workbook list NN` lists the tasks of exercise NN.")


@main.command()
@click.argument("exercise")
@click.option(
    "--submission",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Check the learner files in this folder instead.",
)
@click.option(
    "--check-timeout",
    "--timeout",  # the name it had first, still understood
    "timeout",
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="Seconds before giving up on the learner's code in a check (default 3).",
)
@click.option(
    "--workbook-seed",
    "--seed",
    "seed",
    type=click.IntRange(min=0),
    metavar="N",
    help="Draw the checks' inputs from this seed (a message or your feedback names it), "
    "as pytest's --workbook-seed does.",
)
def check(exercise: str, submission: Path | None, timeout: float | None, seed: int | None) -> None:
    """Check one exercise, exactly as `pytest exercises/NN` does."""
    found = _exercise(_root(), exercise)
    code, _ = runner.check(
        [found.directory], submission=submission, timeout=timeout, show=True, seed=seed
    )
    raise SystemExit(code)


@main.command()
@click.argument("exercise", required=False)
@click.option(
    "--task", "task_id", help="The task to get a hint for (default: the first failing one)."
)
def hint(exercise: str | None, task_id: str | None) -> None:
    """Show the next hint for the first task that does not pass yet (of the first exercise not
    done, when no EXERCISE is given)."""
    root = _root()
    found = _exercise(root, exercise) if exercise is not None else _first_not_done(root)
    if task_id is not None and task_id not in {task.id for task in found.tasks}:
        known = ", ".join(task.id for task in found.tasks)
        raise WorkbookError(f"exercise {found.id} has no task {task_id!r}; its tasks are {known}")
    if task_id is None:
        _, results = runner.check([found.directory])
        failing = [task for task in results[0].tasks if not task.passed] if results else []
        if not failing:
            click.secho(f"Every task of exercise {found.id} passes: no hint needed.", fg="green")
            return
        task = failing[0].task
    else:
        task = found.task(task_id)
    shown = progress.take_hint(root, found, task)
    _print_lines(Console(highlight=False), hint_lines(found, task, shown))


def _print_lines(console: Console, lines: list[Line]) -> None:
    for line in lines:
        console.print(line.text, style=line.style or None, markup=False)


@main.command()
@click.argument("exercise", required=False)
@click.option(
    "--check-timeout",
    "timeout",
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="Seconds before giving up on the learner's code in a check (default 3).",
)
def watch(exercise: str | None, timeout: float | None) -> None:
    """Check an exercise again on every save (default: the first one not done).

    Keys: h the next hint, r check now, n the next exercise, q (or Ctrl-C) stop; without a
    terminal, type the key and Enter. Once every task passes, it goes on to the next exercise."""
    from checker import watch as watching

    root = _root()
    exercises = _exercises(root)
    if exercise is not None:
        found = _exercise(root, exercise)
    else:
        first = progress.first_not_done(root, exercises)
        if first is None:
            click.secho(
                "Every exercise passes: nothing to watch (`workbook watch NN` watches one anyway).",
                fg="green",
            )
            return
        found = first
    console = Console(highlight=False, soft_wrap=True)
    try:
        watching.run(root, exercises, found, console, timeout=timeout)
    except KeyboardInterrupt:
        if watching.SIGNALLED:  # kill, or the terminal closed: the status a shell expects
            console.print(f"Stopped watching ({watching.SIGNALLED[0].name}).")
            raise SystemExit(128 + watching.SIGNALLED[0]) from None
        console.print("Stopped watching (Ctrl-C).")


@main.command()
@click.argument("exercise")
@click.argument("kind", type=click.Choice(["notebook", "app"]))
def use(exercise: str, kind: str) -> None:
    """Choose which file of an exercise is graded: its notebook or its app file."""
    from checker.runtime import sources
    from checker.runtime.tracing import display_path

    found = _exercise(_root(), exercise)
    try:
        graded = sources.choose(found, found.directory, kind == "notebook")
    except ValueError as error:
        raise WorkbookError(str(error)) from None
    click.echo(f"exercise {found.id} is now graded from {display_path(graded)}")


@main.command()
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the gradebook, grades.csv, feedback and the report.",
)
@click.option(
    "--exercise",
    "-e",
    "exercises",
    multiple=True,
    help="Grade only this exercise (repeatable). Default: every exercise.",
)
@click.option(
    "--hidden",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of hidden checks: HIDDEN/NN/test_*.py.",
)
@click.option("--show-hidden", is_flag=True, help="Show hidden checks' messages in feedback.")
@click.option(
    "--workers", "-j", type=click.IntRange(min=1), help="Worker processes (default: one per core)."
)
@click.option(
    "--check-timeout",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds one check may take.",
)
@click.option(
    "--exercise-timeout",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds all checks of one exercise may take, per learner.",
)
@click.option("--learner", help="Grade (or regrade) only this learner.")
@click.option("--resume", is_flag=True, help="Skip learners the gradebook already has.")
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    help="The cohort's seed, from which each learner's inputs are drawn (default: the one the "
    "gradebook in OUT recorded, or a new one).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Run on a Dask cluster (tcp://host:8786) instead of local processes.",
)
@click.option(
    "--nbgrader",
    "nbgrader_course",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="COURSE_DIR",
    help="Also autograde into this nbgrader course (its gradebook, autograded/ and formgrader); "
    "SUBMISSIONS is then COURSE_DIR/submitted.",
)
@click.option(
    "--postgres",
    metavar="URL",
    help="Give each learner's app a PostgreSQL database of its own on this server, made and "
    "dropped by the grader: a URL for a role that may create roles and databases, through the "
    "server's UNIX socket (postgresql://postgres:PASSWORD@/postgres?host=/var/run/postgresql). "
    "Without it, the apps' databases are SQLite files.",
)
@click.option(
    "--unsafe",
    is_flag=True,
    help="Grade even where no sandbox can be made (not root, not Linux): the learners' code "
    "then runs with your user's rights, unprotected from what is listed.",
)
def grade(
    submissions: Path,
    out: Path,
    exercises: tuple[str, ...],
    hidden: Path | None,
    show_hidden: bool,
    workers: int | None,
    check_timeout: float,
    exercise_timeout: float,
    learner: str | None,
    resume: bool,
    seed: int | None,
    scheduler: str | None,
    nbgrader_course: Path | None,
    postgres: str | None,
    unsafe: bool,
) -> None:
    """Grade a folder of submissions (one folder or zip per learner) into OUT.

    nbgrader's submitted/ folder is read as it is: a learner's NN/exercise_NN.ipynb is graded
    from its %%writefile cells, as nbgrader's autograde runs them.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    from checker.grade import cohort, isolation

    options = cohort.Options(
        exercises=exercises,
        hidden=hidden,
        show_hidden=show_hidden,
        workers=workers or 0,
        check_timeout=check_timeout,
        exercise_timeout=exercise_timeout,
        learner=learner,
        resume=resume,
        seed=seed,
        scheduler=scheduler,
        nbgrader=nbgrader_course,
        require_sandbox=not unsafe,
        postgres=postgres,
    )
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TextColumn("{task.fields[rate]}"),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    bar = progress.add_task(
        "grading", total=None, unit="learners", rate="", detail="timeouts 0  crashes 0"
    )

    def started(tally: cohort.Tally) -> None:
        # Only once the run is valid, so that an error is shown alone.
        why = isolation.why_no_sandbox()
        if unsafe and why:  # without --unsafe, cohort.grade has refused to start
            unprotected = ", ".join(isolation.unprotected(tally.protections))
            click.secho(
                f"workbook: warning: grading without a sandbox ({why}, --unsafe): the learners' "
                f"code runs with your user's rights and without: {unprotected}",
                err=True,
                fg="yellow",
            )
        click.echo(isolation.summary(tally.protections))
        progress.start()
        progress.update(bar, total=tally.total, completed=tally.done)

    def learner_done(tally: cohort.Tally) -> None:
        elapsed = progress.tasks[bar].elapsed or 0.0
        graded = tally.done - tally.skipped
        rate = f"{graded / elapsed:.1f}/s" if elapsed > 0 else ""
        progress.update(
            bar,
            completed=tally.done,
            rate=rate,
            detail=f"timeouts {tally.timeouts}  crashes {tally.crashes}"
            + (f"  flagged {tally.flagged}" if tally.flagged else "")
            + (f"  slow: {tally.slowest}" if tally.slowest else ""),
        )

    into_nbgrader: list[TaskID] = []

    def nbgrader_done(done: int, total: int) -> None:
        if not into_nbgrader:
            into_nbgrader.append(
                progress.add_task(
                    "nbgrader", total=total, unit="submissions", rate="", detail="autograding"
                )
            )
        progress.update(into_nbgrader[0], completed=done)

    root = _root()
    try:
        tally = cohort.grade(
            submissions,
            out,
            options,
            root=root,
            on_start=started,
            on_learner=learner_done,
            on_nbgrader=nbgrader_done,
        )
    except OSError as error:
        if not error.filename:
            raise  # not a file the instructor can do something about: the traceback helps
        # The disk, not the input: a results folder that filled up or went away mid-run.
        raise WorkbookError(f"grading stopped: {error.filename}: {error.strerror}") from None
    finally:
        if progress.live.is_started:
            progress.stop()  # a bar never started would be drawn, empty, after the error
    console = Console()
    graded = tally.done - tally.skipped
    console.print(
        f"Graded {_count(graded, 'learner')}"
        + (f" ({tally.skipped} already in the gradebook)" if tally.skipped else "")
        + f"; {_count(tally.timeouts, 'timeout')}, {_count(tally.crashes, 'crash', 'crashes')}."
    )
    console.print(
        f"Inputs drawn from the cohort's seed {tally.seed} (kept in the gradebook; each learner's "
        "own seed is in the seeds column of grades.csv)."
    )
    if tally.flagged:
        console.print(
            f"[red]{tally.flagged} learner{'s' if tally.flagged != 1 else ''} flagged for "
            "tampering with the grader: see the status column of grades.csv and the report[/]"
        )
    if tally.failures:
        console.print(f"[red]The grader failed on: {', '.join(tally.failures)}[/]")
    for name in ("gradebook.sqlite", "grades.csv", "report.html", "feedback/", "gradescope/"):
        console.print(f"  {out / name}")
    if tally.nbgrader is not None and nbgrader_course is not None:
        written = tally.nbgrader
        plural = "" if written.submissions == 1 else "s"
        console.print(
            f"Autograded {written.submissions} nbgrader submission{plural} into "
            f"{nbgrader_course}; open the formgrader or run `nbgrader export` there."
        )
        if tally.nbgrader_skipped:
            console.print(
                f"  not nbgrader assignments, so only in {out}: {', '.join(tally.nbgrader_skipped)}"
            )
        for learner_id, assignment, why in written.failures:
            console.print(f"[red]  nbgrader did not take {learner_id}/{assignment}: {why}[/]")
        if written.failures:
            console.print(f"  nbgrader's log of those: {out / cohort.NBGRADER_LOG}")


@main.group("nbgrader")
def nbgrader_group() -> None:
    """nbgrader interop: export the course as an nbgrader source tree."""


@nbgrader_group.command("export")
@click.argument("course_dir", type=click.Path(file_okay=False, path_type=Path))
def nbgrader_export(course_dir: Path) -> None:
    """Write COURSE_DIR/source/NN/, one nbgrader assignment per module, and nbgrader_config.py."""
    from checker.notebooks import export as nbgrader_export

    assignments, wrote_config = nbgrader_export.export(_root(), course_dir)
    console = Console()
    for assignment in assignments:
        exercise = assignment.exercise
        console.print(
            f"  {assignment.notebook}: {exercise.title}, "
            f"{len(exercise.tasks)} tasks, {exercise.points} points"
        )
    config = course_dir / nbgrader_export.CONFIG_NAME
    console.print(f"  {config}" + ("" if wrote_config else " (kept as it was)"))
    console.print(
        f"Next: cd {course_dir} && nbgrader generate_assignment {assignments[0].name}, "
        "then release, collect and nbgrader autograde as usual."
    )


# The learner's loop: start an exercise again, see its solution, hand the work in.


def _solution_seen(root: Path, exercise: Exercise) -> str:
    """What the course map adds to an exercise whose solution was shown before it passed."""
    seen = state.load(root).gave_up.get(exercise.id)
    if seen is None:
        return ""
    return f" [magenta](saw the solution at {seen.passed_tasks} of {seen.tasks} tasks)[/]"


def _first_not_done(root: Path) -> Exercise:
    """The exercise ``workbook hint`` with no number is about; SystemExit 0 when all pass."""
    found = progress.first_not_done(root, _exercises(root))
    if found is None:
        click.secho("Every exercise passes: no hint needed.", fg="green")
        raise SystemExit(0)
    click.echo(f"Exercise {found.id} is the first one not done yet.")
    return found


@main.command()
@click.argument("exercise")
def reset(exercise: str) -> None:
    """Put the starter back, keeping your files in backups/ first."""
    from checker.course import starter

    root = _root()
    found = _exercise(root, exercise)
    done = starter.reset(root, found)
    console = Console(highlight=False, soft_wrap=True)
    where = f"exercises/{found.id}/"
    if done.backup is None:
        console.print(f"{where} is the starter already: nothing was changed.")
        return
    kept = done.backup.relative_to(root).as_posix() + "/"
    changed = ", ".join([*done.restored, *(f"{name} (removed)" for name in done.removed)])
    console.print(
        f"{where} is the starter again ({changed}), from {done.starter.source} "
        f"({done.starter.commit})."
    )
    console.print(f"Your files are kept in [bold]{kept}[/]. To get them back:")
    console.print(f"  cp -r {kept}. {where}")


@main.command()
@click.argument("exercise")
@click.option(
    "--give-up",
    is_flag=True,
    help="Show it even though the exercise does not pass yet (your progress will say so).",
)
def solution(exercise: str, give_up: bool) -> None:
    """Show the reference solution as a diff against your files, once the exercise passes."""
    from checker.course import solution as reference

    root = _root()
    found = _exercise(root, exercise)
    reference.folder(root, found)  # no solution to show: say so before checking anything
    summary = progress.summaries(root, [found]).get(found.id)
    if summary is None or not summary.passed:
        so_far = f"{summary.passed_tasks if summary else 0} of {_count(len(found.tasks), 'task')}"
        if not give_up:
            raise WorkbookError(
                f"exercise {found.id} does not pass yet ({so_far} pass), so its solution stays "
                f"hidden: `workbook check {found.id}` shows what fails and `workbook hint "
                f"{found.id}` gives a hint; `workbook solution {found.id} --give-up` shows it "
                "anyway, and your progress will say you saw it"
            )
        seen = progress.give_up(root, found, summary)
        note = f"You gave up on exercise {found.id} at {seen.passed_tasks} of {seen.tasks} tasks"
    else:
        note = f"Exercise {found.id} passes: here is how the reference solution does it"
    console = Console(highlight=False, soft_wrap=True)
    console.print(f"[bold]{note}[/] (- your lines, + the solution's):")
    for change in reference.diff(root, found):
        if not change.lines:
            console.print(f"[dim]exercises/{found.id}/{change.name}: the same as the solution[/]")
            continue
        for line in change.lines:
            style = {"+": "green", "-": "red", "@": "cyan"}.get(line[:1], "")
            if line.startswith(("+++", "---")):
                style = "bold"
            console.print(line, style=style, markup=False)


@main.command()
@click.option("--name", help="Your name, as the zip is called (default: git's user.name).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the zip into (default: the workbook's own folder).",
)
def submit(name: str | None, out: Path | None) -> None:
    """Write NAME.zip: your files of every exercise and your progress, to hand in."""
    from checker.course import handin

    root = _root()
    exercises = _exercises(root)
    learner, source = handin.name_from(name, root)
    done = handin.write(root, exercises, learner, out if out is not None else root)
    console = Console(highlight=False, soft_wrap=True)
    for line in done.notes:
        console.print(f"[yellow]Note: {line}[/]")
    files = sum(len(names) for names in done.files.values())
    console.print(
        f"Wrote [bold]{done.path}[/]: {_count(files, 'file')} of "
        f"{_count(len(done.files), 'exercise')}" + (" and your progress." if done.progress else ".")
    )
    console.print(
        f"It is named after {source} ({learner}); `--name` gives another. Hand it in as it is: "
        "`workbook grade` reads a folder of such zips."
    )


if __name__ == "__main__":
    main()
