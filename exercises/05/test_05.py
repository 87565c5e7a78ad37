"""Checks for module 05: Forms, sessions and flash.

CSRF protection stays on in every check. Like a browser, a check first GETs the form, reads the
csrf_token hidden input from its HTML, and posts it back with the form, the client keeping the
session cookie between the two. So the checks prove that your pages carry the token and that your
app refuses a POST without it, which a check run with WTF_CSRF_ENABLED = False could never show.
"""

import os
import sys

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from werkzeug.utils import secure_filename

from checker.api import (
    expect,
    expect_equal,
    expect_flash,
    expect_redirect,
    expect_status,
    select,
)

MEGABYTE = 1024 * 1024
NO_TOKEN_FIX = (
    "put {{ form.csrf_token }} (or {{ form.hidden_tag() }}) inside the <form> of the template"
)
ACCEPTED = (302, 303)


# Probes: they run beside the learner's app and return plain data.


def _outside_paths(app, names):
    """Where each of ``names`` lands if it is joined to the upload folder, and that is outside it."""
    folder = os.path.realpath(app.config.get("UPLOAD_FOLDER") or app.instance_path)
    paths = {}
    for name in names:
        path = os.path.normpath(os.path.join(folder, name))
        if os.path.dirname(path) != folder:
            paths[name] = path
    return paths


def files_outside(app, names):
    """What is at each place outside the upload folder that ``names`` point to, before an
    upload: the file's modification time and size, or None."""
    found = {}
    for name, path in _outside_paths(app, names).items():
        found[name] = (
            [os.stat(path).st_mtime_ns, os.stat(path).st_size] if os.path.isfile(path) else None
        )
    return found


def upload_folder(app, names, before=None):
    """Where uploads go, what is there, and which of ``names`` landed outside it: a file that
    was not there ``before`` (see files_outside) or has changed since. One the upload made is
    removed, so a wrong app's file does not outlive the check."""
    folder = os.path.realpath(app.config.get("UPLOAD_FOLDER") or app.instance_path)
    instance = os.path.realpath(app.instance_path)
    files = {}
    if os.path.isdir(folder):
        for entry in sorted(os.listdir(folder)):
            path = os.path.join(folder, entry)
            if os.path.isfile(path):
                with open(path, "rb") as file:
                    files[entry] = file.read().decode("utf-8", errors="replace")
    outside = []
    now = files_outside(app, names)
    for name, path in _outside_paths(app, names).items():
        was = (before or {}).get(name)
        if now.get(name) is not None and now[name] != was:
            outside.append(name)
            if was is None:
                os.remove(path)
    return {
        "configured": str(app.config.get("UPLOAD_FOLDER")),
        "inside_instance": folder == os.path.join(instance, "uploads"),
        "files": files,
        "outside": outside,
    }


def secrets_of_new_apps(app, secret):
    """SECRET_KEY of create_app() with no test config, with the environment's SECRET_KEY set to
    ``secret`` and then unset."""
    module = sys.modules[app.import_name]
    before = os.environ.get("SECRET_KEY")
    found = {}
    try:
        os.environ["SECRET_KEY"] = secret
        found["set"] = module.create_app().config.get("SECRET_KEY")
        del os.environ["SECRET_KEY"]
        found["unset"] = module.create_app().config.get("SECRET_KEY")
    finally:
        if before is None:
            os.environ.pop("SECRET_KEY", None)
        else:
            os.environ["SECRET_KEY"] = before
    return {
        key: value if value is None or isinstance(value, str) else repr(value)
        for key, value in found.items()
    }


def list_with_a_new_app(app, secret, cookie_name, cookie):
    """GET / in an app made by the learner's factory with SECRET_KEY=secret, sending ``cookie``."""
    module = sys.modules[app.import_name]
    new_app = module.create_app({"TESTING": True, "SECRET_KEY": secret})
    client = new_app.test_client()
    client.set_cookie(cookie_name, cookie)
    response = client.get("/")
    return {"status": response.status_code, "html": response.get_data(as_text=True)}


# Reading pages, and sending forms the way a browser does.


def text_of(tag):
    """A tag's text as a reader sees it: entities decoded, runs of whitespace made one space."""
    return " ".join(tag.get_text().split())


def fetch_form(client, path, field_names, labels=None, probe=None):
    """GET ``path`` and return its csrf token, failing with a fix when the form is not right.
    ``labels`` maps field names to the label each must have, when the check wants them."""
    response = client.get(path)
    expect_status(response, 200, fixes={404: f"add a view for GET {path}"})
    forms = select(response, "form")
    expect(forms, f"GET {path} answered a page without a <form>", fix="render the form's template")
    form = next(
        (each for each in forms if each.select_one('input[name="csrf_token"]') is not None),
        forms[0],
    )
    expect(
        (form.get("method") or "get").lower() == "post",
        f"the <form> of GET {path} has method={form.get('method')!r}, expected post",
        fix='write <form method="post">: a form sends GET unless told otherwise',
    )
    for name in field_names:
        expect(
            form.select_one(f'[name="{name}"]') is not None,
            f"the <form> of GET {path} has no field named {name!r}",
            fix=f"render the field in the form: {{{{ form.{name}() }}}}",
        )
    for name, label in (labels or {}).items():
        found = [text_of(tag) for tag in form.select(f'label[for="{name}"]')]
        expect(
            found == [label],
            f"the <form> of GET {path} labels its {name!r} field {found}, expected [{label!r}]",
            fix=f"name the field {label!r}: StringField({label!r}, ...), and render "
            f"{{{{ form.{name}.label }}}}",
        )
    token = form.select_one('input[name="csrf_token"]')
    if token is None and probe is not None:
        disabled = probe.config("WTF_CSRF_ENABLED").get("WTF_CSRF_ENABLED") is False
    else:
        disabled = False
    expect(
        token is not None,
        f"the <form> of GET {path} has no csrf_token input, so no POST from it can pass "
        "CSRF protection",
        fix="remove WTF_CSRF_ENABLED = False: with CSRF protection off, forms have no token, "
        "and any site could post to yours"
        if disabled
        else NO_TOKEN_FIX,
    )
    expect(
        token.get("type") == "hidden" and token.get("value"),
        f"the csrf_token input of GET {path} is {token}, expected a hidden input with the token "
        "as its value",
        fix=NO_TOKEN_FIX,
    )
    return token["value"]


def submit(client, path, fields, probe=None):
    """What a browser does: GET the form, then POST ``fields`` with its csrf token."""
    names = [name for name in fields if name != "csrf_token"]
    token = fetch_form(client, path, names, probe=probe)
    return client.post(path, data={**fields, "csrf_token": token})


def add_book(client, title, pages, probe=None):
    return submit(client, "/add", {"title": title, "pages": str(pages)}, probe)


def shown(book):
    return f"{book['title']} ({book['pages']} pages)"


def on_the_page(response):
    """The books a page lists, as text, and the flashed messages it shows."""
    expect_status(response, 200)
    books = [
        text_of(li) for li in select(response, "ul.books li") if "empty" not in li.get("class", [])
    ]
    flashes = [text_of(li) for li in select(response, ".flashes li")]
    return books, flashes


def listed(client):
    """What GET / lists for this client's visitor, and the flashed messages it shows."""
    return on_the_page(client.get("/"))


def a_title(inputs, kind="drawn"):
    if kind == "html":
        return f"{inputs.word(label='title').title()} & <{inputs.name(label='title')}>"
    return f"{inputs.word(accents=True, label='title').title()} {inputs.name(label='title')}"


def a_book(inputs, kind="drawn"):
    return {"title": a_title(inputs, kind), "pages": inputs.integer(2, 4999, label="pages")}


def expect_accepted(client, response, book, doing):
    """A valid book was taken: the POST did not fail, and GET / lists it."""
    raised = f": the view raised {response.error.summary}" if response.error else ""
    expect(
        response.status_code not in (400, 404, 405) and response.status_code < 500,
        f"{doing} answered {response.status_code}{raised}, expected the book to be accepted",
    )
    books, _ = listed(client)
    expect(
        shown(book) in books,
        f"after {doing}, GET / lists {books}, expected {shown(book)!r} among them",
        fix="when form.validate_on_submit() is true, add the book to the list",
    )


def posting(book):
    return f"POST /add with title={book['title']!r}, pages={book['pages']!r} and the csrf token"


# csrf-form


def csrf_fix(probe):
    """Why a POST without a valid token was let through, from the app's config and extensions."""
    if probe.config("WTF_CSRF_ENABLED").get("WTF_CSRF_ENABLED") is False:
        return "remove WTF_CSRF_ENABLED = False: it turns CSRF protection off for every form"
    if "csrf" not in probe.extensions():
        return (
            "a FlaskForm alone only marks the form invalid and shows it again; make "
            "csrf = CSRFProtect() and call csrf.init_app(app) in create_app, which refuses "
            "every POST without a valid token with 400"
        )
    return None


def expect_page(client, path, title, links):
    """GET ``path``: its <title> is ``title`` and its <header> links to each of ``links``."""
    response = client.get(path)
    expect_status(response, 200)
    found = [text_of(tag) for tag in select(response, "title")]
    expect(
        found == [title],
        f"GET {path} has the <title> {found}, expected [{title!r}]",
        fix="{% block title %}... · {{ super() }}{% endblock %} in the page's template"
        if title != "Reading list"
        else "keep <title>{% block title %}Reading list{% endblock %}</title> in base.html",
    )
    hrefs = [tag.get("href") for tag in select(response, "header a")]
    for link in links:
        expect(
            link in hrefs,
            f"the <header> of GET {path} links to {hrefs}, expected a link to {link}",
            fix="link each page with url_for: <a href=\"{{ url_for('upload') }}\">"
            if link == "/upload"
            else None,
        )


@pytest.mark.task("csrf-form")
def test_the_add_form_has_its_fields_and_a_csrf_token(client, probe):
    fetch_form(client, "/add", ["title", "pages"], {"title": "Title", "pages": "Pages"}, probe)
    expect_page(client, "/add", "Add a book · Reading list", ["/", "/add"])


@pytest.mark.fresh_app
@pytest.mark.task("csrf-form")
def test_a_post_without_a_valid_token_is_refused(client, probe, inputs):
    book = a_book(inputs)
    expect_accepted(client, add_book(client, **book, probe=probe), book, posting(book))
    fix = csrf_fix(probe)
    other = client.another()
    stolen = fetch_form(other, "/add", ["title", "pages"], probe=probe)
    for token, what in [(None, "without a csrf_token"), (stolen, "with another visitor's token")]:
        forged = a_book(inputs)
        data = {"title": forged["title"], "pages": str(forged["pages"])}
        if token is not None:
            data["csrf_token"] = token
        response = client.post("/add", data=data)
        expect(
            response.status_code == 400,
            f"POST /add {what} (title={forged['title']!r}) answered {response.status_code}, "
            "expected 400 Bad Request",
            fix=fix,
        )
        books, _ = listed(client)
        expect(
            shown(forged) not in books,
            f"POST /add {what} added {shown(forged)!r} to the list",
            fix=fix,
        )


# validation


INVALID = {
    "no-title": lambda inputs: {"title": "", "pages": str(inputs.integer(1, 5000, label="pages"))},
    "title-too-long": lambda inputs: {
        "title": ((inputs.word(label="title").title() + " ") * 81)[:80] + "s",
        "pages": str(inputs.integer(1, 5000, label="pages")),
    },
    "no-pages": lambda inputs: {"title": a_title(inputs), "pages": ""},
    "pages-zero": lambda inputs: {"title": a_title(inputs), "pages": "0"},
    "pages-negative": lambda inputs: {
        "title": a_title(inputs),
        "pages": str(-inputs.integer(1, 500, label="pages")),
    },
    "pages-too-many": lambda inputs: {"title": a_title(inputs), "pages": "5001"},
    "pages-not-a-number": lambda inputs: {"title": a_title(inputs), "pages": inputs.word()},
}


@pytest.mark.fresh_app
@pytest.mark.task("validation")
@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_input_shows_the_form_again_with_an_error(client, probe, inputs, case):
    good = a_book(inputs)
    expect_accepted(client, add_book(client, **good, probe=probe), good, posting(good))
    fields = INVALID[case](inputs)
    doing = f"POST /add with title={fields['title']!r}, pages={fields['pages']!r} and the token"
    response = submit(client, "/add", fields, probe)
    expect_status(
        response,
        200,
        fixes={
            code: f"{doing} was accepted: give the fields validators (DataRequired() and "
            "Length(max=80) for title; InputRequired() and NumberRange(min=1, max=5000) for "
            "pages)"
            for code in ACCEPTED
        },
    )
    errors = [text_of(tag) for tag in select(response, ".error")]
    expect(
        any(errors),
        f"{doing} showed the form again, but with no error message in it (no element with "
        'class="error" and text)',
        fix='after each field, {% for error in field.errors %}<span class="error">{{ error }}'
        "</span>{% endfor %}",
    )
    title = select(response, 'input[name="title"]')
    expect(
        title and title[0].get("value", "") == fields["title"],
        f"{doing} showed the title field with the value "
        f"{title[0].get('value') if title else None!r}, expected what was typed, "
        f"{fields['title']!r}",
        fix="render the field with {{ form.title() }}, which fills in what was sent",
    )
    expect(not response.flashes, f"{doing} flashed {response.flashes}, expected nothing")
    books, _ = listed(client)
    expect(
        not any(book.startswith(f"{fields['title']} (") for book in books if fields["title"]),
        f"after {doing}, GET / lists {books}: the invalid book was added",
        fix="add the book only when form.validate_on_submit() is true",
    )


# prg-flash


@pytest.mark.fresh_app
@pytest.mark.task("prg-flash")
@pytest.mark.parametrize("kind", ["drawn", "edges", "html-and-most-pages"])
def test_a_valid_book_redirects_and_is_flashed_once(client, probe, inputs, kind):
    if kind == "edges":
        word = inputs.word(label="title")
        books = [{"title": (word * 80)[:80], "pages": 1}, a_book(inputs)]
    elif kind == "html-and-most-pages":
        books = [{"title": a_title(inputs, "html"), "pages": 5000}]
    else:
        books = [a_book(inputs), a_book(inputs)]
        expect_page(client, "/", "Reading list", ["/", "/add"])
    for book in books:
        doing = posting(book)
        response = add_book(client, **book, probe=probe)
        expect(
            response.status_code in ACCEPTED,
            f"{doing} answered {response.status_code}, expected a redirect (303 or 302) to /",
            fix="after saving, return redirect(url_for('index')): a page rendered in answer to "
            "a POST is posted again when the visitor reloads it"
            if response.status_code == 200
            else "a 307 or 308 makes the browser send the POST again: use 303 (or 302)"
            if response.status_code in (307, 308)
            else None,
        )
        expect_redirect(response, "/")
        message = f"Added {book['title']}."
        expect_flash(
            response,
            message,
            category="success",
            fix=f'flash(f"Added {{title}}.", "success") before redirecting, here {message!r}',
        )
        page = client.get("/")
        shelf, flashes = on_the_page(page)
        expect_equal(
            flashes,
            [message],
            f"the flashed messages GET / shows after {doing}",
            fix="show them in base.html: {% for category, message in "
            'get_flashed_messages(with_categories=true) %}<li class="{{ category }}">'
            '{{ message }}</li>{% endfor %}, inside <ul class="flashes">',
        )
        expect(
            [text_of(li) for li in select(page, ".flashes li.success")] == [message],
            f"after {doing}, GET / shows the flashed messages "
            f"{[str(li) for li in select(page, '.flashes li')]}, expected {message!r} in an "
            "element of class 'success'",
            fix='give each message\'s <li> its category as class: <li class="{{ category }}">',
        )
        expect(
            shelf and shelf[-1] == shown(book),
            f"after {doing}, GET / lists {shelf}, expected {shown(book)!r} last",
        )
        _, again = listed(client)
        expect_equal(
            again,
            [],
            "the flashed messages of a second GET /",
            fix="a flashed message is shown once: read it with get_flashed_messages(), "
            "not by keeping it yourself",
        )


# session


def sign(secret, data):
    """A session cookie holding ``data``, signed the way Flask signs one with ``secret``."""
    signer = Flask("signer")
    signer.secret_key = secret
    return SecureCookieSessionInterface().get_signing_serializer(signer).dumps(data)


@pytest.mark.fresh_app
@pytest.mark.task("session")
def test_each_visitor_sees_only_their_own_books(client, probe, inputs):
    other = client.another()
    mine = [a_book(inputs), a_book(inputs)]
    theirs = [a_book(inputs)]
    response = None
    for visitor, books in [(client, mine[:1]), (other, theirs), (client, mine[1:])]:
        for book in books:
            response = add_book(visitor, **book, probe=probe)
            expect(response.status_code < 400, f"{posting(book)} answered {response.status_code}")
            if visitor is client:
                last = response
    shelf, _ = listed(client)
    their_shelf, _ = listed(other)
    leak = (
        "a module-level list is one list for every visitor: keep each visitor's books in "
        "session['books'] instead"
    )
    expect(
        shown(theirs[0]) not in shelf,
        f"GET / from one visitor lists {len(shelf)} books, {shown(theirs[0])!r} among them, "
        "a book another visitor added",
        fix=leak,
    )
    expect_equal(
        shelf,
        [shown(book) for book in mine],
        "the books GET / lists for a visitor who added two",
        fix="read the list back from the session: session.get('books', []); and store it "
        "again after adding (session['books'] = books + [book]): a list changed in place is "
        "not saved unless session.modified = True",
    )
    expect_equal(their_shelf, [shown(theirs[0])], "the books GET / lists for the other visitor")
    expect_equal(
        last.session.get("books"),
        mine,
        "session['books'] after the second book",
        fix="keep each book as {'title': form.title.data, 'pages': form.pages.data}: pages is "
        "the whole number the IntegerField gives",
    )


@pytest.mark.fresh_app
@pytest.mark.task("session")
def test_a_session_cookie_not_signed_with_the_apps_key_is_ignored(client, probe, inputs):
    name = probe.config("SESSION_COOKIE_NAME").get("SESSION_COOKIE_NAME", "session")
    secret = probe.config("SECRET_KEY").get("SECRET_KEY")
    good = a_book(inputs)
    expect_accepted(client, add_book(client, **good, probe=probe), good, posting(good))
    forged = a_book(inputs)
    for key, what in [(secret, "signed with the app's SECRET_KEY"), (None, "tampered with")]:
        visitor = client.another()
        if key is None:
            # The payload of one cookie with the time and signature of another. A cookie is
            # payload.time.signature, and a compressed payload starts with a dot of its own.
            signature = sign(secret, {"books": [good]}).rsplit(".", 2)[1:]
            payload = sign(secret, {"books": [forged]}).rsplit(".", 2)[0]
            cookie = ".".join([payload, *signature])
            expected = []
        else:
            cookie = sign(key, {"books": [forged]})
            expected = [shown(forged)]
        response = visitor.get("/", cookies={name: cookie})
        books, _ = on_the_page(response)
        if not expected:
            expect(
                [text_of(li) for li in select(response, "ul.books li.empty")] == ["Nothing yet."],
                "GET / with an empty list does not say 'Nothing yet.'",
                fix='keep index.html\'s {% else %}<li class="empty">Nothing yet.</li>',
            )
        expect_equal(
            books,
            expected,
            f"the books GET / lists for a visitor whose session cookie was {what}",
            fix="read the books from session.get('books', []), not from a cookie of your own "
            "or a global"
            if key is not None
            else "only the session (signed with SECRET_KEY) may hold the books",
        )


@pytest.mark.fresh_app
@pytest.mark.task("session")
def test_without_a_test_config_the_secret_comes_from_the_environment(probe, inputs):
    secret = f"{inputs.word(label='SECRET_KEY')}-{inputs.integer(1000, 9999, label='SECRET_KEY')}"
    found = probe(secrets_of_new_apps, secret)
    expect_equal(
        found["set"],
        secret,
        "SECRET_KEY of create_app() when the environment has SECRET_KEY set",
        fix="the key is the same with or without the environment's SECRET_KEY: set it only in "
        "app.config.from_mapping(SECRET_KEY=os.environ.get('SECRET_KEY', 'dev')), never "
        "app.secret_key = '...' after it"
        if found["set"] == found["unset"] and found["set"] is not None
        else "SECRET_KEY=os.environ.get('SECRET_KEY', 'dev') in app.config.from_mapping(...)",
    )
    expect(
        isinstance(found["unset"], str) and found["unset"],
        f"SECRET_KEY of create_app() when the environment has no SECRET_KEY is "
        f"{found['unset']!r}, expected a development key such as 'dev'",
        fix="give os.environ.get a default: os.environ.get('SECRET_KEY', 'dev')",
    )


@pytest.mark.fresh_app
@pytest.mark.task("session")
def test_the_session_is_signed_with_the_configured_secret(probe, inputs):
    secret = f"{inputs.word(label='secret')}-{inputs.integer(1000, 9999, label='secret')}"
    name = probe.config("SESSION_COOKIE_NAME").get("SESSION_COOKIE_NAME", "session")
    book = a_book(inputs)
    for key, seen in [(secret, True), (f"not-{secret}", False)]:
        found = probe(list_with_a_new_app, secret, name, sign(key, {"books": [book]}))
        expect_equal(found["status"], 200, f"GET / in an app made with SECRET_KEY={secret!r}")
        page = BeautifulSoup(found["html"], "html.parser")
        books = [text_of(li) for li in page.select("ul.books li")]
        expect(
            (shown(book) in books) is seen,
            f"in an app made with create_app({{'SECRET_KEY': {secret!r}}}), a session cookie "
            f"signed with {key!r} {'was ignored' if seen else 'was trusted'}",
            fix="sign the session with the SECRET_KEY of the config: set it in "
            "app.config.from_mapping(...) before the test config is applied, never "
            "app.secret_key = '...' after it",
        )


# upload


def upload(client, name, content, probe=None):
    return submit(client, "/upload", {"notes": (content, name)}, probe)


@pytest.mark.task("upload")
def test_the_upload_form_sends_files(client, probe):
    fetch_form(client, "/upload", ["notes"], {"notes": "Notes"}, probe)
    expect_page(client, "/upload", "Upload notes · Reading list", ["/upload"])
    response = client.get("/upload")
    form = next(
        (each for each in select(response, "form") if each.select_one('input[type="file"]')),
        None,
    )
    expect(
        form is not None,
        'GET /upload has no <input type="file"> in a form',
        fix="use a FileField and render it: {{ form.notes() }}",
    )
    expect(
        form.get("enctype") == "multipart/form-data",
        f"the upload <form> has enctype={form.get('enctype')!r}, expected "
        "'multipart/form-data': without it a browser sends only the file's name",
        fix='write <form method="post" enctype="multipart/form-data">',
    )


def missing_folder_fix(response, name, safe):
    """A fix for an upload that could not be saved because a folder is missing, if it was that."""
    error = response.error
    if error is None or error.error_type != "FileNotFoundError":
        return None
    if os.path.dirname(name) and os.path.dirname(name).lstrip("./") in error.error_text:
        return (
            f"the view saves the file under the name the visitor sent, {name!r}, which "
            f"points outside the upload folder: save it as secure_filename(file.filename), "
            f"{safe!r} here"
        )
    return "os.makedirs(app.config['UPLOAD_FOLDER'], exist_ok=True) in create_app"


@pytest.mark.fresh_app
@pytest.mark.task("upload")
@pytest.mark.parametrize("kind", ["plain", "spaces", "climbs-out", "absolute"])
def test_an_upload_is_saved_under_a_safe_name(client, probe, inputs, kind):
    word = inputs.word(label="file name")
    name = {
        "plain": f"{word}.txt",
        "spaces": f"my notes on {word}.txt",
        "climbs-out": f"../../{word}.txt",
        # in a folder that does not exist: a wrong app fails to save it, and writes nothing
        "absolute": f"/{word}-{inputs.word(label='folder')}/{word}.txt"
        if kind == "absolute"
        else "",
    }[kind]
    safe = secure_filename(name)
    content = f"{inputs.name(label='content')} read {inputs.word(accents=True)}\n"
    doing = f"POST /upload of a file named {name!r} with the token"
    before = probe(files_outside, [name])
    response = upload(client, name, content.encode(), probe)
    # Looked at (and a file written outside the upload folder removed) before anything can fail.
    found = probe(upload_folder, [name], before)
    expect(
        response.status_code in ACCEPTED,
        f"{doing} answered {response.status_code}, expected a redirect (303 or 302) to /",
        fix=missing_folder_fix(response, name, safe),
    )
    expect_redirect(response, "/")
    expect_flash(
        response,
        f"Uploaded {safe}.",
        category="success",
        fix=f"save the file as secure_filename(file.filename), here {safe!r}, and flash that name",
    )
    expect(
        not found["outside"],
        f"{doing} wrote the file outside the upload folder {found['configured']}",
        fix="save it as secure_filename(file.filename): a name from the visitor may hold ../",
    )
    expect(
        found["inside_instance"],
        f"UPLOAD_FOLDER is {found['configured']!r}, expected the folder uploads in the instance "
        "folder",
        fix="UPLOAD_FOLDER=os.path.join(app.instance_path, 'uploads')",
    )
    expect(
        safe in found["files"],
        f"after {doing}, the upload folder holds {sorted(found['files'])}, expected {safe!r}",
        fix=f"save it as secure_filename(file.filename), which is {safe!r} here",
    )
    expect_equal(found["files"][safe], content, f"the content of {safe}")


@pytest.mark.fresh_app
@pytest.mark.task("upload")
def test_an_upload_needs_a_file_and_a_token(client, probe, inputs):
    name = f"{inputs.word(label='file name')}.md"
    response = upload(client, name, b"# notes\n", probe)
    expect_redirect(response, "/")
    response = submit(client, "/upload", {}, probe)
    expect_status(
        response,
        200,
        fixes={code: "FileRequired() refuses a form with no file" for code in ACCEPTED},
    )
    expect(
        any(text_of(tag) for tag in select(response, ".error")),
        "POST /upload with no file showed the form without an error message",
        fix='{% for error in form.notes.errors %}<span class="error">{{ error }}</span>{% endfor %}',
    )
    response = client.post("/upload", data={"notes": (b"# notes\n", name)})
    expect(
        response.status_code == 400,
        f"POST /upload of {name!r} without a csrf_token answered {response.status_code}, "
        "expected 400 Bad Request",
        fix=csrf_fix(probe),
    )


@pytest.mark.fresh_app
@pytest.mark.task("upload")
def test_an_upload_over_max_content_length_is_refused(client, probe, inputs):
    limit = probe.config("MAX_CONTENT_LENGTH").get("MAX_CONTENT_LENGTH")
    expect_equal(
        limit,
        MEGABYTE,
        "config['MAX_CONTENT_LENGTH']",
        fix="MAX_CONTENT_LENGTH=1024 * 1024 in app.config.from_mapping(...)",
    )
    small, large = (f"{inputs.word(label='file name')}-{size}.txt" for size in ("small", "large"))
    response = upload(client, small, b"a" * (MEGABYTE - 8192), probe)
    expect_redirect(response, "/")
    response = upload(client, large, b"a" * (MEGABYTE + 1), probe)
    expect_status(response, 413)
    found = probe(upload_folder, [])
    expect(large not in found["files"], f"a file of {MEGABYTE + 1} bytes was saved")
