"""Checks for module 06: The application factory and configuration.

Many checks call the learner's create_app themselves, through probes, with test configs of their
own: each such app gets its own SQLite file in a temporary folder, so no two checks share data.
"""

import ast

import pytest
from sqlalchemy.engine import make_url

from checker.api import expect, expect_equal, expect_json, expect_status

MESSAGE = "Created the bookmark tables."
DEFAULTS = {"SITE_NAME": "Bookmarks", "PER_PAGE": 20}


# Probes: they run beside the learner's app, call its factory, and return plain data.


def _app_with_database(module, config, name):
    """create_app(config) with a SQLite file of its own, unless config names a database.

    The file goes in a new folder inside the app's private copy, which is removed with it.
    """
    import os
    import tempfile

    if "SQLALCHEMY_DATABASE_URI" not in config:
        folder = tempfile.mkdtemp(prefix="probe-", dir=os.path.dirname(module.__file__))
        config = {**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.path.join(folder, name)}"}
    return module.create_app(config)


def create_app_twice(module, first, second):
    """Call create_app twice; whether it gave one object, and what each app's config holds."""
    apps = [
        _app_with_database(module, first, "a.sqlite"),
        _app_with_database(module, second, "b.sqlite"),
    ]
    keys = sorted(set(first) | set(second))
    return {
        "same": apps[0] is apps[1],
        "configs": [{key: app.config.get(key) for key in keys} for app in apps],
    }


def flask_apps_at_import(module):
    """The names of the module's globals that hold a Flask app."""
    from flask import Flask

    return sorted(name for name, value in vars(module).items() if isinstance(value, Flask))


def get_index_of_a_new_app(module, config):
    """GET / on a new app made with ``config``, and that app's SITE_NAME and PER_PAGE."""
    app = _app_with_database(module, config, "index.sqlite")
    response = app.test_client().get("/")
    return {
        "status": response.status_code,
        "json": response.get_json(silent=True),
        "config": {key: app.config[key] for key in DEFAULTS if key in app.config},
    }


def default_database(module, config):
    """The database address of an app whose test config names none, and its instance folder."""
    app = module.create_app(config)
    return {"uri": app.config.get("SQLALCHEMY_DATABASE_URI"), "instance_path": app.instance_path}


def instance_path(app):
    return app.instance_path


def secret_of_a_configured_app(module, folder, in_file, in_environment):
    """create_app() with no test config, after writing instance/config.py and FLASK_SECRET_KEY."""
    import os

    if in_file is not None:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "config.py"), "w", encoding="utf-8") as file:
            file.write(f"SECRET_KEY = {in_file!r}\n")
    before = os.environ.pop("FLASK_SECRET_KEY", None)
    if in_environment is not None:
        os.environ["FLASK_SECRET_KEY"] = in_environment
    try:
        app = module.create_app()
    finally:
        os.environ.pop("FLASK_SECRET_KEY", None)
        if before is not None:
            os.environ["FLASK_SECRET_KEY"] = before
    return {"SECRET_KEY": app.config.get("SECRET_KEY")}


def factory_without_secret(module, config):
    """create_app(config) with no FLASK_SECRET_KEY in the environment: what it raised, or the key."""
    import os

    before = os.environ.pop("FLASK_SECRET_KEY", None)
    try:
        app = _app_with_database(module, config, "nosecret.sqlite")
    except Exception as error:
        return {"raised": f"{type(error).__name__}: {error}"}
    finally:
        if before is not None:
            os.environ["FLASK_SECRET_KEY"] = before
    return {"SECRET_KEY": app.config.get("SECRET_KEY")}


def two_apps_with_bookmarks(module, first, second):
    """Two apps with a SQLite file each: the tables made, bookmarks posted to each, each one's list."""
    apps = [_app_with_database(module, config, f"{index}.sqlite")
            for index, (config, _) in enumerate((first, second))]  # fmt: skip
    bound = ["sqlalchemy" in app.extensions for app in apps]
    found = {"same": apps[0] is apps[1], "bound": bound, "uris": [], "engines": []}
    if not all(bound):
        return found
    found.update(posted=[], lists=[])
    for app in apps:
        db = app.extensions["sqlalchemy"]
        with app.app_context():
            db.create_all()
            found["uris"].append(app.config["SQLALCHEMY_DATABASE_URI"])
            found["engines"].append(db.engine.url.render_as_string(hide_password=True))
    for app, (_, bookmarks) in zip(apps, (first, second), strict=True):
        client = app.test_client()
        found["posted"].append(
            [[r.status_code, r.get_json(silent=True)]
             for r in (client.post("/bookmarks", json=bookmark) for bookmark in bookmarks)]
        )  # fmt: skip
    for app in apps:
        found["lists"].append(app.test_client().get("/bookmarks").get_json(silent=True))
    for app in apps:
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
    return found


def init_db_on_a_new_machine(module, folder, secret):
    """With no instance folder yet and FLASK_SECRET_KEY set: create_app(), then init-db."""
    import os
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    before = os.environ.get("FLASK_SECRET_KEY")
    os.environ["FLASK_SECRET_KEY"] = secret
    try:
        app = module.create_app()
    finally:
        os.environ.pop("FLASK_SECRET_KEY", None)
        if before is not None:
            os.environ["FLASK_SECRET_KEY"] = before
    from flask.cli import FlaskGroup

    # As `flask --app app init-db` runs it: through Flask's command group, in an app context.
    group = FlaskGroup(create_app=lambda: app, load_dotenv=False, set_debug_flag=False)
    result = app.test_cli_runner().invoke(group, args=["init-db"], prog_name="flask")
    error = result.exception
    if "sqlalchemy" in app.extensions:
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
    return {
        "exit_code": result.exit_code,
        "output": result.output,
        "error": None
        if error is None or isinstance(error, SystemExit)
        else f"{type(error).__name__}: {error}".splitlines()[0],
        "files": sorted(os.listdir(folder)) if os.path.isdir(folder) else None,
    }


def _test_config(**extra):
    return {"TESTING": True, "SECRET_KEY": "probe-secret", **extra}


# Drawn inputs: secrets, site names and bookmarks no one can have written into app.py.


def secret(inputs):
    """A secret key, drawn: letters (some accented) and a number, like 'qofté-4821'."""
    word = inputs.word(accents=True, label="secret")
    return f"{word}-{inputs.integer(1000, 9999, label='secret')}"


def site_name(inputs):
    return f"{inputs.word(accents=True, label='site').capitalize()} {inputs.name(label='site')}"


def drawn_bookmarks(inputs, count):
    """``count`` bookmarks, drawn: one host for all, a path and a title each."""
    host = inputs.word(label="host")
    return [
        {
            "url": f"https://{host}.example/{inputs.word(accents=True, label='path')}",
            "title": inputs.name(label="title"),
        }
        for _ in range(count)
    ]


# factory


@pytest.mark.task("factory")
def test_the_test_config_is_applied(probe):
    expect_equal(
        probe.config("TESTING", "SECRET_KEY", "SITE_NAME"),
        {"TESTING": True, "SECRET_KEY": "test-secret", "SITE_NAME": "Test bookmarks"},
        "the config of create_app({'TESTING': True, 'SECRET_KEY': 'test-secret', "
        "'SITE_NAME': 'Test bookmarks', ...})",
        fix="when test_config is not None, load it with app.config.from_mapping(test_config), "
        "after the defaults so that it wins",
    )


@pytest.mark.fresh_app
@pytest.mark.task("factory")
@pytest.mark.parametrize("kind", ["two-secrets", "testing-off"])
def test_every_call_builds_a_new_app_with_its_own_config(probe, inputs, kind):
    if kind == "two-secrets":
        first = _test_config(SECRET_KEY=secret(inputs) + "-ключ", SITE_NAME=site_name(inputs))
        second = _test_config(SECRET_KEY=secret(inputs) + "-キー", SITE_NAME=site_name(inputs))
    else:
        first = _test_config(SITE_NAME=site_name(inputs))
        second = {"TESTING": False, "SECRET_KEY": secret(inputs) * 4, "PER_PAGE": 1}
    found = probe.module(create_app_twice, first, second)
    expect(
        not found["same"],
        "create_app() returned the same app object for two calls, so two tests would share one "
        "app, its config and its database",
        fix="make the app inside create_app: app = Flask(__name__, ...) as its first line, "
        "and no app at module level",
    )
    for config, got in zip((first, second), found["configs"], strict=True):
        expect_equal(
            {key: got[key] for key in config},
            config,
            f"the config of the app made by create_app({config!r})",
            fix="apply the test config with app.config.from_mapping(test_config), after the "
            "defaults",
        )


@pytest.mark.task("factory")
def test_no_app_is_made_at_import(probe):
    names = probe.module(flask_apps_at_import)
    expect(
        not names,
        f"importing app.py leaves a Flask app in {', '.join(names)}: `flask --app app` uses a "
        "module-level app named app before it looks for create_app, so your factory never runs "
        "there, and the tests get an app that was built at import",
        fix="delete the module-level app (app = Flask(...) or app = create_app()) and create the "
        "app only inside create_app",
    )


# config-layers


def lowercase_fix(response, submission):
    """A fix for a KeyError on a config name, when app.py writes that name in lowercase."""
    error = response.error
    if error is None or error.error_type != "KeyError":
        return None
    name = error.error_text.strip("'\"")
    for node in ast.walk(submission.tree("app.py")):
        if isinstance(node, ast.keyword) and node.arg and node.arg != name and node.arg.upper() == name:
            return (
                f"app.py writes {node.arg}=..., but Flask's config keeps only UPPERCASE names "
                f"(from_mapping drops the others): write {name}=..."
            )
    return None


@pytest.mark.task("config-layers")
def test_index_shows_the_test_config_over_the_defaults(client, probe, submission):
    response = client.get("/")
    routed = response.status_code != 404 or "/" in [route["rule"] for route in probe.routes()]
    expect_status(
        response,
        200,
        fixes=None if routed else {404: "keep the GET / route inside create_app"},
        errors={"KeyError": lowercase_fix(response, submission)},
    )
    expect_json(
        response,
        {"site": "Test bookmarks", "per_page": 20},
        fix="the test config sets SITE_NAME and not PER_PAGE, so PER_PAGE keeps its default: "
        "app.config.from_mapping(SITE_NAME='Bookmarks', PER_PAGE=20, ...) before the test config",
    )


OVERRIDES = ["nothing", "site-name", "per-page", "empty-and-zero"]


def override_of(inputs, kind):
    """What a test config of the ``kind`` asked for sets over the defaults, drawn."""
    if kind == "site-name":
        return {"SITE_NAME": f"Lesezeichen für {inputs.name(label='name')}"}
    if kind == "per-page":
        return {"PER_PAGE": inputs.integer(1, 200, avoid=[DEFAULTS["PER_PAGE"]], label="PER_PAGE")}
    if kind == "empty-and-zero":
        return {"SITE_NAME": "", "PER_PAGE": 0}
    return {}


@pytest.mark.fresh_app
@pytest.mark.task("config-layers")
@pytest.mark.parametrize("kind", OVERRIDES)
def test_a_test_config_overrides_only_what_it_names(probe, inputs, kind):
    override = override_of(inputs, kind)
    config = _test_config(**override)
    found = probe.module(get_index_of_a_new_app, config)
    wanted = {**DEFAULTS, **override}
    expect_equal(
        found["config"],
        wanted,
        f"SITE_NAME and PER_PAGE of create_app({config!r})",
        fix="give the defaults first, app.config.from_mapping(SITE_NAME='Bookmarks', "
        "PER_PAGE=20, ...), then apply the test config; names must be UPPERCASE",
    )
    expect_equal(
        found["status"], 200, f"the status of GET / on the app made by create_app({config!r})"
    )
    expect_equal(
        found["json"],
        {"site": wanted["SITE_NAME"], "per_page": wanted["PER_PAGE"]},
        f"the JSON of GET / on the app made by create_app({config!r})",
        fix="GET / should read current_app.config['SITE_NAME'] and ['PER_PAGE']",
    )


@pytest.mark.fresh_app
@pytest.mark.task("config-layers")
def test_the_default_database_is_in_the_instance_folder(probe):
    config = _test_config()
    found = probe.module(default_database, config)
    uri, folder = found["uri"], found["instance_path"]
    fix = (
        "default SQLALCHEMY_DATABASE_URI to a file in the instance folder: "
        "'sqlite:///' + os.path.join(app.instance_path, 'bookmarks.sqlite')"
    )
    expect(
        isinstance(uri, str) and uri.startswith("sqlite:"),
        f"create_app({config!r}) has SQLALCHEMY_DATABASE_URI = {uri!r}, expected a default "
        "SQLite database",
        fix=fix,
    )
    database = make_url(uri).database or ""
    if database and not database.startswith("/"):  # Flask-SQLAlchemy puts it in the instance folder
        database = f"{folder}/{database}"
    expect(
        database.rsplit("/", 1)[0] == folder,
        f"create_app({config!r}) keeps its default database at {database or 'in memory'!r}, "
        f"expected a file in the instance folder {folder}",
        fix=fix,
    )
    expect(
        database.rsplit("/", 1)[-1] == "bookmarks.sqlite",
        f"create_app({config!r}) keeps its default database at {database!r}, expected "
        f"{folder}/bookmarks.sqlite",
        fix=fix,
    )


# secret-key


SECRET_NAMES = {"SECRET_KEY", "secret_key"}


def _fallbacks(node):
    """The non-empty string constants a value falls back to (``x or 'dev'`` gives 'dev')."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)) and node.value:
        return [node]
    if isinstance(node, ast.BoolOp):
        return [found for value in node.values for found in _fallbacks(value)]
    if isinstance(node, ast.IfExp):
        return _fallbacks(node.body) + _fallbacks(node.orelse)
    return []


def _names_the_secret(target):
    if isinstance(target, ast.Name):
        return target.id in SECRET_NAMES
    if isinstance(target, ast.Attribute):
        return target.attr in SECRET_NAMES
    if isinstance(target, ast.Subscript):
        return isinstance(target.slice, ast.Constant) and target.slice.value == "SECRET_KEY"
    return False


def _environment_default(call):
    """The default of a lookup such as os.environ.get('FLASK_SECRET_KEY', 'dev'), if any."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name not in {"get", "getenv", "setdefault", "pop"} or not call.args:
        return []
    key = call.args[0]
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return []
    if "SECRET" not in key.value.upper():
        return []
    defaults = call.args[1:2] + [k.value for k in call.keywords if k.arg == "default"]
    return [found for default in defaults for found in _fallbacks(default)]


def secrets_in_code(source):
    """(line, code) for each place the source writes a secret key as a literal."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and any(map(_names_the_secret, targets)):
                if _fallbacks(node.value):
                    found.append(node)
        elif isinstance(node, ast.keyword) and node.arg in SECRET_NAMES:
            if _fallbacks(node.value):
                found.append(node)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "SECRET_KEY"
                    and _fallbacks(value)
                ):
                    found.append(value)
        elif isinstance(node, ast.Call) and _environment_default(node):
            found.append(node)
    return sorted({(node.lineno, ast.get_source_segment(source, node)) for node in found})


@pytest.mark.task("secret-key")
def test_no_secret_key_is_written_in_the_code(submission):
    found = secrets_in_code(submission["app.py"])
    if found:
        line, code = found[0]
        code = " ".join(code.split())
        if len(code) > 80:
            code = code[:77] + "..."
        lookup = "environ" in code or "getenv" in code
        expect(
            False,
            f"app.py, line {line}, puts the secret key in the code: `{code}`. "
            + (
                "The fallback is used whenever FLASK_SECRET_KEY is not set, and anyone who can "
                "read the code can then sign session cookies."
                if lookup
                else "Anyone who can read the code can sign session cookies your app accepts."
            ),
            fix="remove the literal; with no test config, load instance/config.py "
            "(app.config.from_pyfile('config.py', silent=True)) and then the environment "
            "(app.config.from_prefixed_env()), and raise an error when SECRET_KEY is still unset"
            + (", instead of os.environ.get(..., default)" if lookup else ""),
        )


@pytest.mark.task("secret-key")
@pytest.mark.fresh_app
@pytest.mark.parametrize("where", ["instance-file", "environment", "environment-wins"])
def test_the_secret_comes_from_this_machine(probe, inputs, where):
    in_file = None if where == "environment" else secret(inputs) + "-ï"
    in_environment = None if where == "instance-file" else f"{secret(inputs)}-l'environnement"
    expected = in_environment or in_file
    folder = probe(instance_path)
    found = probe.module(secret_of_a_configured_app, folder, in_file, in_environment)
    setup = " and ".join(
        part
        for part in (
            in_file is not None and f"instance/config.py holding SECRET_KEY = {in_file!r}",
            in_environment is not None and f"FLASK_SECRET_KEY={in_environment!r}",
        )
        if part
    )
    if in_file is not None and in_environment is not None:
        fix = (
            "load the environment after the instance file, so that it wins: "
            "app.config.from_pyfile('config.py', silent=True), then app.config.from_prefixed_env()"
        )
    elif in_file is not None:
        fix = (
            "with no test config, load the instance file: "
            "Flask(__name__, instance_relative_config=True) and "
            "app.config.from_pyfile('config.py', silent=True)"
        )
    else:
        fix = (
            "with no test config, load the environment: app.config.from_prefixed_env() turns "
            "FLASK_SECRET_KEY into SECRET_KEY"
        )
    expect_equal(
        found["SECRET_KEY"], expected, f"with {setup}, create_app().config['SECRET_KEY']", fix=fix
    )


def _tests_membership(source):
    """Whether the source tests `'SECRET_KEY' in ...` (always true of app.config)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant):
            if node.left.value == "SECRET_KEY" and any(
                isinstance(op, (ast.In, ast.NotIn)) for op in node.ops
            ):
                return True
    return False


@pytest.mark.fresh_app
@pytest.mark.task("secret-key")
@pytest.mark.parametrize(
    "config",
    [{"TESTING": True}, {"TESTING": True, "SECRET_KEY": ""}, {"TESTING": True, "SECRET_KEY": None}],
    ids=["no-key", "empty-key", "none"],
)
def test_without_a_secret_create_app_refuses(probe, submission, config):
    found = probe.module(factory_without_secret, config)
    doing = f"create_app({config!r}) with no FLASK_SECRET_KEY in the environment"
    if "raised" not in found:
        fix = (
            "after loading every source, check the value and raise: "
            "if not app.config.get('SECRET_KEY'): raise RuntimeError('SECRET_KEY is not set: "
            "export FLASK_SECRET_KEY or put it in instance/config.py')"
        )
        if _tests_membership(submission["app.py"]):
            fix += (
                ". Testing `'SECRET_KEY' in app.config` is not enough: Flask's default config "
                "already has the key SECRET_KEY, set to None"
            )
        expect(
            False,
            f"{doing} returned an app with SECRET_KEY = {found['SECRET_KEY']!r}, expected an error "
            "that says the secret key is missing (an app without a key fails later, at the "
            "first request that uses the session)",
            fix=fix,
        )
    expect(
        "SECRET_KEY" in found["raised"],
        f"{doing} raised {found['raised']}, which does not say that SECRET_KEY is missing",
        fix="raise an error whose message names SECRET_KEY and how to set it, such as "
        "RuntimeError('SECRET_KEY is not set: export FLASK_SECRET_KEY')",
    )


# init-db


def _one_line(raised):
    """An exception the learner's code raised, on one line: its type, first line and place."""
    text = raised.error_text.strip().splitlines()[0] if raised.error_text.strip() else ""
    where = f" ({raised.location.show()})" if raised.location else ""
    return f"{raised.error_type}: {text}{where}" if text else f"{raised.error_type}{where}"


def _cli_failed(result):
    if "No such command" in result.output:
        return "register the command in create_app: app.cli.add_command(init_db_command)"
    if result.error is not None and "application context" in result.error.error_text:
        return (
            "the command ran outside an app context, so db does not know which app's database "
            "to use: put @with_appcontext (from flask.cli) under @click.command('init-db'), "
            "or define it with @app.cli.command('init-db') inside create_app"
        )
    return None


@pytest.mark.task("init-db")
@pytest.mark.fresh_app
@pytest.mark.parametrize("kind", ["ascii", "non-ascii"])
def test_init_db_creates_empty_tables(cli, client, inputs, kind):
    word = inputs.word(accents=kind == "non-ascii", label="word")
    if kind == "ascii":
        bookmark = {"url": f"https://{word}.example/", "title": word.capitalize()}
    else:
        number = inputs.integer(1, 99, label="q")
        title = f"{inputs.name(label='title')} — {word}"
        bookmark = {"url": f"https://example.org/{word}?q={number}", "title": title}
    result = cli.invoke("init-db")
    if result.error is not None:
        what = f"the command raised {_one_line(result.error)}"
    else:
        what = result.output.strip()[-300:] or "no output"
    expect(
        result.exit_code == 0,
        f"{result.command_line} exited with {result.exit_code}: {what}",
        fix=_cli_failed(result),
    )
    expect(
        MESSAGE in result.output,
        f"{result.command_line} printed {result.output.strip()!r}, expected {MESSAGE!r}",
        fix=f"end the command with click.echo({MESSAGE!r})",
    )
    response = client.post("/bookmarks", json=bookmark)
    summary = response.error.summary if response.error is not None else ""
    no_table = "no such table" in summary or "does not exist" in summary
    expect_status(
        response,
        201,
        fixes={500: "init-db ran, but the table does not exist: call db.create_all() in the "
               "command" if no_table else None},
    )  # fmt: skip
    listed = client.get("/bookmarks")
    expect_status(listed, 200)
    expect_json(listed, {"bookmarks": [{"id": 1, **bookmark}]})
    again = cli.invoke("init-db")
    expect(again.exit_code == 0, f"the second {again.command_line} exited with {again.exit_code}")
    listed = client.get("/bookmarks")
    expect_status(listed, 200)
    expect_json(
        listed,
        {"bookmarks": []},
        fix="init-db should start from an empty database: db.create_all() leaves existing "
        "tables and their rows alone, so call db.drop_all() before it",
    )


@pytest.mark.task("init-db")
@pytest.mark.fresh_app
def test_init_db_works_on_a_new_machine(probe, inputs):
    folder = probe(instance_path)
    found = probe.module(init_db_on_a_new_machine, folder, secret(inputs))
    doing = (
        "with no instance folder yet and FLASK_SECRET_KEY set, `flask --app app init-db` "
        "(create_app() with no test config, then init-db)"
    )
    problem = found["error"] or found["output"].strip()[-300:] or "no output"
    fix = None
    if "unable to open database file" in problem:
        fix = (
            "SQLite cannot create a file in a folder that does not exist: create the instance "
            "folder in create_app with os.makedirs(app.instance_path, exist_ok=True)"
        )
    expect(found["exit_code"] == 0, f"{doing} exited with {found['exit_code']}: {problem}", fix=fix)
    expect(
        bool(found["files"]),
        f"{doing} left the instance folder {'empty' if found['files'] == [] else 'missing'}, "
        "expected the default SQLite database in it",
        fix="default SQLALCHEMY_DATABASE_URI to a file in the instance folder, and create the "
        "folder with os.makedirs(app.instance_path, exist_ok=True)",
    )


# extension


@pytest.mark.task("extension")
def test_flask_sqlalchemy_is_bound_to_the_app(probe):
    names = probe.extensions()
    expect(
        "sqlalchemy" in names,
        f"the app's extensions are {names}, with no 'sqlalchemy'",
        fix="call db.init_app(app) in create_app, after the config is loaded",
    )


@pytest.mark.fresh_app
@pytest.mark.task("extension")
@pytest.mark.parametrize("paged", ["first", "second"])
def test_each_app_has_its_own_database(probe, inputs, paged):
    # One app with a small PER_PAGE and more bookmarks than that; one with the default and a few.
    per_page = inputs.integer(1, 4, label="PER_PAGE")
    more = per_page + inputs.integer(1, 2, label="more")
    small = (_test_config(PER_PAGE=per_page), drawn_bookmarks(inputs, more))
    default = (_test_config(), drawn_bookmarks(inputs, inputs.integer(2, 4, label="bookmarks")))
    first, second = (small, default) if paged == "first" else (default, small)
    found = probe.module(two_apps_with_bookmarks, first, second)
    unbound = [index for index, bound in enumerate(found["bound"]) if not bound]
    expect(
        not unbound,
        "an app made by create_app has no 'sqlalchemy' in app.extensions",
        fix="call db.init_app(app) in create_app, after the config is loaded",
    )
    if found["same"]:
        expect(
            False,
            "create_app() returned the same app twice, so the two apps share one database "
            f"({found['engines'][0]}) and see each other's bookmarks",
            fix="make a new Flask app in every call and bind the extension to it with "
            "db.init_app(app) after its config is loaded; SQLAlchemy(app) at import binds it to "
            "an app made before any test config exists",
        )
    for uri, engine in zip(found["uris"], found["engines"], strict=True):
        expect(
            make_url(uri).render_as_string(hide_password=True) == engine,
            f"the app made with SQLALCHEMY_DATABASE_URI = {uri!r} uses the database {engine!r}"
            + (", so the two apps share one database" if len(set(found["engines"])) == 1 else ""),
            fix="db.init_app(app) reads SQLALCHEMY_DATABASE_URI when it is called: call "
            "db.init_app(app) after the test config is applied",
        )
    for index, ((_, bookmarks), posted) in enumerate(
        zip((first, second), found["posted"], strict=True)
    ):
        for number, (bookmark, (status, body)) in enumerate(zip(bookmarks, posted, strict=True), 1):
            what = f"POST /bookmarks {bookmark} to app {index + 1}"
            expect_equal(status, 201, f"the status of {what}")
            expect_equal(body, {"id": number, **bookmark}, f"the JSON of {what}")
    counts = [len(first[1]), len(second[1])]
    for index, ((config, bookmarks), listed) in enumerate(
        zip((first, second), found["lists"], strict=True)
    ):
        per_page = config.get("PER_PAGE", DEFAULTS["PER_PAGE"])
        expect_equal(
            listed,
            {"bookmarks": [{"id": n, **b} for n, b in enumerate(bookmarks[:per_page], 1)]},
            f"GET /bookmarks on app {index + 1} (PER_PAGE {per_page}), after {counts[index]} "
            f"bookmarks were posted to it and {counts[1 - index]} to the other app",
        )
