"""Checks for module 08: Contexts.

Most checks run a probe: a function below that runs beside your app, calls your get_db() or your
create_app() the way Flask would, and reports what happened as plain data. The verdict is made here.
"""

import ast
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
import types

import pytest

from checker.api import expect, expect_equal, expect_json, expect_status

NOT_LAZY_FIX = (
    "connect inside get_db(), only when g has no connection yet (if 'db' not in g: ...), "
    "not in a before_request function or at import time"
)


# Probes: they run beside the learner's app and return plain data.


def _learner_module(app):
    return sys.modules[app.import_name]


def _db_module(app):
    """The learner's db.py, as the app imported it."""
    module = _learner_module(app)
    wanted = os.path.join(os.path.dirname(os.path.abspath(module.__file__)), "db.py")

    def is_db(candidate):
        if not isinstance(candidate, types.ModuleType):
            return False  # current_app and g are proxies: looking at them outside a context raises
        filename = getattr(candidate, "__file__", None)
        return isinstance(filename, str) and os.path.abspath(filename) == wanted

    for value in vars(module).values():
        if is_db(value):
            return value
    found = [candidate for candidate in list(sys.modules.values()) if is_db(candidate)]
    return found[-1] if found else None


def _function(app, name):
    db = _db_module(app)
    function = getattr(db, name, None)
    return function if callable(function) else None


def _summary(error, folder):
    """'KeyError: 'db' (db.py, line 12)': an exception as plain text, located in the learner's files."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if os.path.abspath(frame.filename).startswith(folder + os.sep)
    ]
    where = (
        f" ({os.path.basename(frames[-1].filename)}, line {frames[-1].lineno})" if frames else ""
    )
    lines = str(error).strip().splitlines()
    message = f": {lines[0]}" if lines else ""
    return f"{type(error).__name__}{message}{where}"


def _folder(app):
    return os.path.dirname(os.path.abspath(_learner_module(app).__file__))


def _make_app(app, database):
    """A new app from the learner's factory, with its own database."""
    return _learner_module(app).create_app({"TESTING": True, "DATABASE": database})


def _is_closed(connection):
    try:
        connection.execute("SELECT 1")
    except sqlite3.ProgrammingError as error:
        return "closed" in str(error)
    return False


def connections_in_two_requests(app):
    """Call get_db() twice in one request and once in the next; count what was opened."""
    get_db = _function(app, "get_db")
    if get_db is None:
        return {"missing": True}
    opened = []
    real_connect = sqlite3.connect

    def counting_connect(*args, **kwargs):
        connection = real_connect(*args, **kwargs)
        opened.append(connection)
        return connection

    sqlite3.connect = counting_connect
    try:
        try:
            app.test_client().get("/_workbook/no-such-page")
        except Exception:
            pass  # a neighbouring task's mistake, reported by that task's checks
        before_any_call = len(opened)
        with app.test_request_context("/notes"):
            first = get_db()
            second = get_db()
        with app.test_request_context("/notes"):
            third = get_db()
    finally:
        sqlite3.connect = real_connect
    return {
        "missing": False,
        "kind": type(first).__name__,
        "is_connection": isinstance(first, sqlite3.Connection),
        "opened_without_get_db": before_any_call,
        "same_in_one_request": first is second,
        "same_in_the_next": first is third,
    }


def connections_after_requests(app):
    """Requests to a view that returns, one that raises, one that never uses the database."""
    get_db = _function(app, "get_db")
    if get_db is None:
        return {"missing": True}
    folder = tempfile.mkdtemp(prefix="workbook-08-")
    seen = {}
    results = {"missing": False}
    try:
        probe_app = _make_app(app, os.path.join(folder, "teardown.sqlite"))

        def returns():
            seen["returns"] = get_db()
            seen["returns"].execute("SELECT 1")
            return "ok"

        def raises():
            seen["raises"] = get_db()
            seen["raises"].execute("SELECT 1")
            raise LookupError("this view raised on purpose")

        def no_database():
            return "no database"

        for name, view in [("returns", returns), ("raises", raises), ("no_database", no_database)]:
            probe_app.add_url_rule(f"/_workbook/{name}", f"_workbook_{name}", view)
        client = probe_app.test_client()
        for name in ["returns", "raises", "no_database"]:
            raised = None
            try:
                client.get(f"/_workbook/{name}")
            except Exception as error:
                raised = _summary(error, _folder(app))
            connection = seen.get(name)
            closed = None if connection is None else _is_closed(connection)
            results[name] = {"raised": raised, "closed": closed}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return results


def databases_used(app, names):
    """Which file get_db() connects to, in apps made with different DATABASE settings."""
    get_db = _function(app, "get_db")
    if get_db is None:
        return None
    folder = tempfile.mkdtemp(prefix="workbook-08-")
    found = []
    try:
        apps = [_make_app(app, os.path.join(folder, name)) for name in names] + [app]
        for each in apps:
            with each.app_context():
                connection = get_db()
                row = connection.execute("PRAGMA database_list").fetchone()
            used = row[2] if row and row[2] else ""
            found.append(
                {
                    "configured": os.path.realpath(each.config["DATABASE"]),
                    "used": os.path.realpath(used) if used else "a database in memory",
                }
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return found


def notes_on_a_new_machine(app, text):
    """create_app() with no test config and no instance folder yet, as `flask --app app run`
    would call it; POST a note and list the notes. Reports what happened and where they went."""
    module = _learner_module(app)
    folder = app.instance_path
    shutil.rmtree(folder, ignore_errors=True)
    try:
        new_app = module.create_app()
    except Exception as error:
        return {"raised": _summary(error, _folder(app))}
    found = {"raised": None, "database": new_app.config.get("DATABASE"), "instance": folder}
    running = set(threading.enumerate())
    try:
        client = new_app.test_client()
        posted = client.post("/notes", json={"text": text})
        listed = client.get("/notes")
        found["statuses"] = [posted.status_code, listed.status_code]
        found["notes"] = listed.get_json(silent=True)
    except Exception as error:
        found["raised"] = _summary(error, _folder(app))
    for thread in set(threading.enumerate()) - running:  # the activity thread, before looking
        thread.join(timeout=2)
    found["files"] = sorted(os.listdir(folder)) if os.path.isdir(folder) else None
    found["stored"] = _notes_in(os.path.join(folder, "notes.sqlite"))
    return found


def _notes_in(path):
    """The texts in the note table of the SQLite file at ``path``; None without such a table.

    A file that is only there is not enough: the app's activity thread connects to DATABASE too,
    which makes an empty file even when the notes went elsewhere.
    """
    if not os.path.isfile(path):
        return None
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT text FROM note ORDER BY id")]
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def whoami_at_the_same_time(app, names):
    """GET /whoami for each name in its own thread, all of them inside the view at once."""
    folder = tempfile.mkdtemp(prefix="workbook-08-")
    answers = {}
    try:
        probe_app = _make_app(app, os.path.join(folder, "whoami.sqlite"))
        everyone_started = threading.Barrier(len(names), timeout=2)

        def wait_for_the_others():
            try:
                everyone_started.wait()
            except threading.BrokenBarrierError:
                pass

        probe_app.before_request(wait_for_the_others)  # runs after the learner's own

        def ask(name):
            try:
                response = probe_app.test_client().get("/whoami", headers={"X-User": name})
                answers[name] = {"status": response.status_code, "json": response.get_json()}
            except Exception as error:
                answers[name] = {"raised": _summary(error, _folder(app))}

        threads = [threading.Thread(target=ask, args=(name,)) for name in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=2.5)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return answers


def post_note_and_wait_for_threads(app, text):
    """POST /notes, then wait (at most 2 s) for its activity to be recorded; report what happened.

    Reports how many threads the request started, how many connections were opened outside the
    request's thread (a thread pool that already has its threads starts none), what those threads
    raised, and the words recorded for the note in the activity table.
    """
    here = threading.get_ident()
    started = []
    elsewhere = []
    errors = []
    real_start = threading.Thread.start
    real_hook = threading.excepthook
    real_connect = sqlite3.connect

    def recording_start(thread, *args, **kwargs):
        started.append(thread)
        return real_start(thread, *args, **kwargs)

    def recording_hook(args):
        error = args.exc_value
        errors.append(args.exc_type.__name__ if error is None else _summary(error, _folder(app)))

    def recording_connect(*args, **kwargs):
        if threading.get_ident() != here:
            elsewhere.append(threading.get_ident())
        return real_connect(*args, **kwargs)

    def recorded(note_id):
        connection = real_connect(app.config["DATABASE"], timeout=1)
        try:
            rows = connection.execute(
                "SELECT words FROM activity WHERE note_id = ? ORDER BY id", (note_id,)
            ).fetchall()
        except sqlite3.Error:
            return []
        finally:
            connection.close()
        return [row[0] for row in rows]

    threading.Thread.start = recording_start
    threading.excepthook = recording_hook
    sqlite3.connect = recording_connect
    words = []
    try:
        try:
            response = app.test_client().post("/notes", json={"text": text})
        finally:
            threading.Thread.start = real_start
        body = response.get_json(silent=True)
        note_id = body.get("id") if isinstance(body, dict) else None
        deadline = time.monotonic() + 2
        while response.status_code == 201 and time.monotonic() < deadline:
            words = recorded(note_id)
            if words or errors or (started and not any(t.is_alive() for t in started)):
                break
            time.sleep(0.01)
        for thread in started:
            thread.join(timeout=0.2)  # a thread of a pool lives on; it is not waited for
        words = words or recorded(note_id)
    finally:
        threading.excepthook = real_hook
        sqlite3.connect = real_connect
    return {
        "status": response.status_code,
        "json": body,
        "started": len(started),
        "connected_elsewhere": len(elsewhere),
        "errors": errors,
        "words": words,
    }


# Static looks at the learner's files, only to choose a fix.


def imports_the_app(source):
    """Whether db.py imports app.py (import app, from app import ...)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(alias.name == "app" for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "app":
            return True
    return False


def names_a_database_file(source):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return any(
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.endswith((".sqlite", ".db", ".sqlite3"))
        for node in ast.walk(tree)
    )


NO_GET_DB = "db.py has no get_db() function"
NOTES_VIEW_FAILED = (
    "unless the error is in lines you wrote, look at get_db(): it should connect to "
    "current_app.config['DATABASE'], where init_db() created the tables, and give the whole "
    "request one connection"
)
# What the notes views' exceptions say about get_db(); any other error is explained as it is.
NOTES_ERRORS = {
    "OperationalError": NOTES_VIEW_FAILED,
    "ProgrammingError": "the connection was closed while the request still used it: close it "
    "once, in a teardown_appcontext function, not after each query",
}
NO_GET_DB_FIX = (
    "define get_db() in db.py, and import db in app.py (import db, or from db import get_db)"
)


# get-db


@pytest.mark.task("get-db")
def test_get_db_keeps_one_connection_per_request(probe):
    found = probe(connections_in_two_requests)
    expect(not found["missing"], NO_GET_DB, fix=NO_GET_DB_FIX)
    expect(
        found["is_connection"],
        f"get_db() returned a {found['kind']}, expected a sqlite3.Connection",
        fix="return the connection itself: g.db = sqlite3.connect(...), then return g.db",
    )
    expect(
        found["same_in_one_request"],
        "get_db() called twice in one request returned two different connections, "
        "expected the same one both times",
        fix="keep the connection in g the first time (g.db = sqlite3.connect(...)) and return "
        "g.db when it is already there: if 'db' not in g: ...",
    )
    expect(
        not found["same_in_the_next"],
        "the next request's get_db() returned the connection of the request before, expected a "
        "new one: a connection kept in a module-level variable is shared by every request",
        fix="keep the connection in g, which is new for each request, not in a global",
    )
    expect(
        found["opened_without_get_db"] == 0,
        f"a request that never called get_db() opened {found['opened_without_get_db']} "
        "database connection(s), expected none",
        fix=NOT_LAZY_FIX,
    )


@pytest.mark.task("get-db")
@pytest.mark.parametrize("kind", ["two-notes", "non-ascii-and-empty"])
def test_notes_saved_in_one_request_are_listed_in_the_next(client, inputs, kind):
    if kind == "two-notes":
        texts = [f"{inputs.word(label='text')} {inputs.name(label='text')}" for _ in range(2)]
    else:
        texts = [
            f"Grüße an {inputs.name(label='text')}",
            "",
            f"  {inputs.word(accents=True, label='text')}  short words ",
        ]
    ids = []
    for text in texts:
        response = client.post("/notes", json={"text": text})
        expect_status(response, 201, errors=NOTES_ERRORS)
        body = response.get_json()
        note_id = body.get("id") if isinstance(body, dict) else None
        expect(
            type(note_id) is int,
            f"{response.request_line} answered {body!r}, expected the new note's whole-number id "
            "in 'id'",
            fix="return {'id': cursor.lastrowid, 'text': text}, 201",
        )
        expect_json(response, {"id": note_id, "text": text})
        ids.append(note_id)
    response = client.get("/notes")
    expect_status(response, 200, errors=NOTES_ERRORS)
    listed = response.get_json()
    mine = (
        [note for note in listed if note.get("id") in ids] if isinstance(listed, list) else listed
    )
    expect_equal(
        mine,
        [{"id": note_id, "text": text} for note_id, text in zip(ids, texts, strict=True)],
        f"the notes just posted, as GET /notes lists them (ids {ids})",
        fix="the views use get_db(): it should connect to the app's database, "
        "and return the same connection for the whole request",
    )


# teardown


@pytest.mark.task("teardown")
def test_connection_is_closed_after_every_request(probe):
    found = probe(connections_after_requests)
    expect(not found["missing"], NO_GET_DB, fix=NO_GET_DB_FIX)
    returns, raises, plain = found["returns"], found["raises"], found["no_database"]
    expect(
        returns["raised"] is None,
        f"a request whose view called get_db() and returned raised {returns['raised']}",
    )
    register = (
        "register close_db in init_app (or create_app) with app.teardown_appcontext(close_db)"
    )
    expect(
        returns["closed"],
        "after a request whose view called get_db(), the connection was still open, "
        "expected it closed at teardown",
        fix=f"close it in close_db(): db = g.pop('db', None), then db.close(); and {register}",
    )
    expect(
        raises["raised"] is not None and raises["raised"].startswith("LookupError"),
        f"a request whose view raised LookupError ended with {raises['raised']} instead",
        fix="close_db(error) should only close the connection, never raise",
    )
    expect(
        raises["closed"],
        "after a request whose view called get_db() and then raised, the connection was still "
        "open (it was closed when the view returned), expected it closed at teardown as well",
        fix="after_request functions are skipped when an error escapes the view; "
        f"{register}, which runs however the request ends",
    )
    expect(
        plain["raised"] is None,
        f"a request that never called get_db() raised {plain['raised']} at teardown",
        fix="close_db() runs after every request, also those that never opened a connection: "
        "db = g.pop('db', None); if db is not None: db.close()",
    )


# current-app


@pytest.mark.task("current-app")
@pytest.mark.parametrize("kind", ["two-apps", "non-ascii-path"])
def test_every_app_uses_its_own_database(probe, submission, inputs, kind):
    first = inputs.word(accents=kind == "non-ascii-path", label="file")
    second = inputs.word(label="file")
    while second == first:
        second = inputs.word(label="file")
    if kind == "non-ascii-path":
        names = [f"notes for {inputs.name(label='name')} {first}.sqlite", f"{second}.db"]
    else:
        names = [f"{first}.sqlite", f"{second}.sqlite"]
    found = probe(databases_used, names)
    expect(found is not None, NO_GET_DB, fix=NO_GET_DB_FIX)
    source = submission["db.py"]
    if imports_the_app(source):
        fix = (
            "db.py imports app.py, so it always uses that one app: remove the import and read "
            "current_app.config['DATABASE'] (from flask import current_app)"
        )
    elif names_a_database_file(source):
        fix = (
            "db.py names a database file of its own: connect to "
            "current_app.config['DATABASE'] instead"
        )
    else:
        fix = "connect with sqlite3.connect(current_app.config['DATABASE'])"
    for index, each in enumerate(found):
        which = (
            "the checks' app"
            if index == len(names)
            else f"an app made with DATABASE={names[index]!r}"
        )
        expect(
            each["used"] == each["configured"],
            f"in {which}, get_db() connected to {each['used']}, expected its DATABASE, "
            f"{each['configured']}",
            fix=fix,
        )


@pytest.mark.task("current-app")
@pytest.mark.fresh_app
def test_with_no_test_config_the_notes_go_to_the_instance_folder(probe, inputs):
    text = f"first note from {inputs.name(label='text')}"
    found = probe(notes_on_a_new_machine, text)
    doing = "create_app() with no test config and no instance folder yet, then POST /notes"
    expect(
        found["raised"] is None,
        f"{doing} raised {found['raised']}",
        fix="keep the default DATABASE, os.path.join(app.instance_path, 'notes.sqlite'), and "
        "create the instance folder in create_app: os.makedirs(app.instance_path, exist_ok=True)",
    )
    expect_equal(found["statuses"], [201, 200], f"the statuses of {doing} and GET /notes")
    expect(
        isinstance(found["notes"], list) and [n.get("text") for n in found["notes"]] == [text],
        f"after {doing}, GET /notes listed {found['notes']!r}, expected the one note posted",
    )
    expect(
        found["files"] is not None and "notes.sqlite" in found["files"],
        f"after {doing}, the instance folder {found['instance']} holds {found['files']}, expected "
        f"notes.sqlite (DATABASE is {found['database']!r})",
        fix="default DATABASE to os.path.join(app.instance_path, 'notes.sqlite')",
    )
    expect(
        found["stored"] == [text],
        f"after {doing}, the note table of {found['instance']}/notes.sqlite holds "
        + ("no note table" if found["stored"] is None else f"{found['stored']!r}")
        + f", expected the one note posted (DATABASE is {found['database']!r})",
        fix="get_db() must connect to current_app.config['DATABASE'], whose default is "
        "os.path.join(app.instance_path, 'notes.sqlite')",
    )


# g-user


def header_names(inputs, count, *, full=False):
    """``count`` different names a header can carry (HTTP headers are Latin-1), drawn."""
    found = []
    while len(found) < count:
        name = inputs.name(label="name", avoid=found)
        if full:
            name = f"{name} {inputs.name(label='name')}"
        try:
            name.encode("latin-1")
        except UnicodeEncodeError:
            continue
        if name not in found:
            found.append(name)
    return found


@pytest.mark.task("g-user")
@pytest.mark.parametrize("kind", ["lowercase", "full-name", "a-name"])
def test_whoami_shows_the_user_of_this_request(client, probe, inputs, kind):
    name = header_names(inputs, 1, full=kind == "full-name")[0]
    name = name.lower() if kind == "lowercase" else name
    response = client.get("/whoami", headers={"X-User": name})
    routed = response.status_code != 404 or any(
        route["rule"] == "/whoami" for route in probe.routes()
    )
    expect_status(
        response,
        200,
        fixes={} if routed else {404: "add GET /whoami inside create_app()"},
    )
    expect_json(
        response,
        {"user": name},
        fix="set g.user = request.headers.get('X-User') in a @app.before_request function, "
        "and return {'user': g.user}",
    )
    response = client.get("/whoami")
    expect_status(response, 200)
    expect_json(
        response,
        {"user": None},
        fix="the request before was from "
        f"{name!r}, and this one has no X-User header: keep the user in g, which starts empty "
        "for every request, and set it on every request (None when the header is missing)",
    )


@pytest.mark.task("g-user")
@pytest.mark.parametrize("count", [2, 3], ids=["two", "three"])
def test_requests_at_the_same_time_each_see_their_own_user(probe, inputs, count):
    names = header_names(inputs, count)
    answers = probe(whoami_at_the_same_time, names)
    at_once = " and ".join(repr(name) for name in names)
    for name in names:
        answer = answers.get(name, {"raised": "nothing: the request did not finish in 2 s"})
        expect(
            "raised" not in answer,
            f"GET /whoami from {name!r}, sent at the same time as the others ({at_once}), "
            f"raised {answer.get('raised')}",
        )
        expect(
            answer["status"] == 200,
            f"GET /whoami from {name!r}, sent at the same time as the others ({at_once}), "
            f"answered {answer['status']}",
            fix="add GET /whoami inside create_app()" if answer["status"] == 404 else None,
        )
        expect_equal(
            answer["json"],
            {"user": name},
            f"the answer to {name!r}, when {at_once} sent GET /whoami at the same time",
            fix="a module-level variable is one value shared by every request, so requests "
            "served at the same time overwrite each other's user: keep it in g (g.user = ...)",
        )


# background


@pytest.mark.task("background")
@pytest.mark.parametrize("kind", ["some", "empty", "spaces", "one"])
def test_a_thread_records_the_note_with_plain_values(probe, client, inputs, kind):
    drawn = [inputs.word(accents=True, label="text") for _ in range(inputs.integer(2, 6))]
    if kind == "empty":
        text = ""
    elif kind == "one":
        text = drawn[0]
    elif kind == "spaces":
        text = "  " + "   ".join(drawn) + " "
    else:
        text = " ".join(drawn)
    found = probe(post_note_and_wait_for_threads, text)
    sent = f"POST /notes with {{'text': {text!r}}}"
    expect(found["status"] == 201, f"{sent} answered {found['status']}, expected 201")
    note_id = found["json"]["id"]
    if found["errors"]:
        error = found["errors"][0]
        if "request context" in error:
            fix = (
                "the thread has no request: read the text in the view and pass it "
                "in args=(...), instead of reading request in the thread"
            )
        elif "application context" in error:
            fix = (
                "the thread has no app context, so current_app, g and get_db() fail there: "
                "pass current_app.config['DATABASE'] in args=(...) and open a connection of its "
                "own with sqlite3.connect(database)"
            )
        else:
            fix = None
        expect(False, f"the thread started by {sent} raised {error}", fix=fix)
    words = len(text.split())
    in_the_background = found["started"] > 0 or found["connected_elsewhere"] > 0
    expect(
        in_the_background or not found["words"],
        f"{sent} recorded the activity itself, in the request's own thread, expected a "
        "background thread to do it",
        fix="move the insert into record_activity and run it with "
        "threading.Thread(target=record_activity, args=(...)).start()",
    )
    expect(
        in_the_background,
        f"{sent} started no thread, and no other thread opened the database within 2 s",
        fix="after saving the note, start threading.Thread(target=record_activity, args=(...)) "
        "and call its .start()",
    )
    expect(
        found["words"],
        f"2 s after {sent}, the activity table had no row for note {note_id}",
        fix="in record_activity, insert (note_id, words) into activity and commit: with "
        "closing(sqlite3.connect(database)) as connection, connection: connection.execute(...)",
    )
    expect_equal(
        found["words"],
        [words],
        f"the words recorded in activity for note {note_id} (text {text!r})",
        fix=f"record the number of words, len(text.split()), which is {words} for {text!r}"
        if len(found["words"]) == 1
        else "start one thread per note, which inserts one row",
    )
    response = client.get("/activity")
    expect_status(response, 200)
    listed = response.get_json()
    expect_equal(
        [entry for entry in listed if entry.get("note") == note_id],
        [{"note": note_id, "words": words}],
        f"the entries of GET /activity for note {note_id}",
    )


@pytest.mark.task("background")
@pytest.mark.fresh_app
def test_activity_lists_each_note_once(client, inputs):
    sizes = inputs.integers(3, 1, 9, label="words")
    texts = [" ".join(inputs.word(label="text") for _ in range(size)) for size in sizes]
    texts.insert(inputs.integer(0, 3, label="empty at"), "")
    ids = []
    for text in texts:
        response = client.post("/notes", json={"text": text})
        expect_status(response, 201)
        ids.append(response.get_json()["id"])
    expected = sorted(
        (
            {"note": note_id, "words": len(text.split())}
            for note_id, text in zip(ids, texts, strict=True)
        ),
        key=lambda entry: entry["note"],
    )
    listed = []
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        response = client.get("/activity")
        expect_status(response, 200)
        listed = response.get_json()
        if isinstance(listed, list) and len(listed) >= len(texts):
            break
        time.sleep(0.02)
    expect_equal(
        sorted(listed, key=lambda entry: entry.get("note", 0))
        if isinstance(listed, list)
        else listed,
        expected,
        f"GET /activity (sorted by note), 2 s after posting {len(texts)} notes",
    )
