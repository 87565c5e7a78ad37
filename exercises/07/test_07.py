"""Checks for module 07: Blueprints."""

import html
import re
from urllib.parse import urlsplit

import pytest

from checker.api import (
    expect,
    expect_redirect,
    expect_status,
    expect_template,
    select,
)

# The books of shop/inventory.py: (id, title, author).
BOOKS = [
    (3, "The Left Hand of Darkness", "Ursula K. Le Guin"),
    (12, "Cien años de soledad", "Gabriel García Márquez"),
    (47, "Мастер и Маргарита", "Михаил Булгаков"),
    (108, "Pride & Prejudice", "Jane Austen"),
    (2051, "Kindred", "Octavia E. Butler"),
]
BOOK_IDS = [book_id for book_id, _, _ in BOOKS]
TITLES = {book_id: title for book_id, title, _ in BOOKS}
# Names in scripts other than Latin, beside the drawn ones.
OTHER_SCRIPTS = ["李小龙", "Олена", "さくら", "Αθηνά", "محمد"]
# Where the url-for-links checks serve the shop: at the root, and under a drawn prefix of one or
# two levels, the way a reverse proxy might mount it. Links built with url_for follow; written-out
# paths do not.
MOUNTS = ["root", "one-level", "two-levels"]
# Kinds of URL that no route matches; the checks draw the words in them.
UNKNOWN_URLS = ["top-level", "catalog-not-a-number", "under-auth", "below-a-book"]

CATALOG = "shop/catalog.py"
AUTH = "shop/auth.py"
NOT_YET = (
    "no route answers this URL yet: the catalog and auth blueprints come first "
    "(tasks catalog-blueprint and auth-blueprint)"
)


def mount_for(kind, inputs):
    """Where a check serves the shop: "", /qofte or /qofte/lumav, drawn."""
    if kind == "root":
        return ""
    if kind == "one-level":
        return "/" + inputs.word(label="mount")
    return f"/{inputs.word(label='mount')}/{inputs.word(label='mount')}"


def user_name(inputs, kind="a-name"):
    """A name to log in with: a drawn first name, a full name, or one in another script."""
    if kind == "a-full-name":
        return f"{inputs.name(label='name')} {inputs.name(label='name')}"
    if kind == "another-script":
        return inputs.choice(OTHER_SCRIPTS, label="name")
    return inputs.name(label="name")


def unknown_url(inputs, kind):
    """A URL of the ``kind`` asked for that no route of the solution matches."""
    word = inputs.word(label="word")
    while word in ("login", "logout"):
        word = inputs.word(label="word")
    if kind == "top-level":
        return f"/{word}"
    if kind == "catalog-not-a-number":
        return f"/catalog/{word}"
    if kind == "under-auth":
        return f"/auth/{word}"
    return f"/catalog/{inputs.choice(BOOK_IDS, label='book')}/{word}"


def rules_of(probe):
    return [route["rule"] for route in probe.routes()]


def serving(probe, path):
    """The rule of the app that answers ``path`` (its variables taken as any one segment)."""
    for rule in rules_of(probe):
        pattern = "[^/]+".join(re.escape(part) for part in re.split(r"<[^>]*>", rule))
        if re.fullmatch(pattern, path):
            return rule
    return None


def expect_page(response, probe, path, fix=NOT_YET):
    """The page answered 200; on a 404, ``fix`` only when no route answers ``path``."""
    if response.status_code == 404:
        rule = serving(probe, path)
        if rule is None and path.endswith("/") and path.rstrip("/") in rules_of(probe):
            fix = (
                f"the route is {path.rstrip('/')}, without the slash at the end, so {path} "
                'matches nothing: write the blueprint\'s route as @bp.get("/")'
            )
        elif rule is not None:
            fix = None  # a route answers the URL: the view itself answered 404
            if "<" in rule and "<int:" not in rule:
                fix = (
                    f"the route is {rule!r}, so book_id arrives as text and "
                    "inventory.get_book finds nothing, as the ids are numbers: write "
                    '@bp.get("/<int:book_id>")'
                )
        expect_status(response, 200, fixes={404: fix} if fix else None)
    expect_status(response, 200)


def page_text(response):
    """The body as a reader sees it: entities such as &amp; turned back into characters."""
    return html.unescape(response.text)


def body_text(response):
    """What the page itself shows: the text of its <body>, not its <title>."""
    bodies = select(response, "body")
    return bodies[0].get_text() if bodies else page_text(response)


def page_title(response):
    titles = select(response, "title")
    return " ".join(titles[0].get_text().split()) if titles else None


def hrefs(response):
    """The paths the page links to (an absolute link counts by its path)."""
    return [urlsplit(link["href"]).path for link in select(response, "a[href]")]


def shown(paths):
    return ", ".join(paths) if paths else "none"


def mounted(mount):
    """The client options that serve the shop under ``mount`` ("" for the root)."""
    return {"base_url": f"http://localhost{mount}"} if mount else {}


def where(mount):
    return f" with the shop served under {mount}" if mount else ""


# Blueprints and routes, as the standard probes see them


def expect_blueprint(probe, name, module, endpoint):
    found = probe.blueprints()
    names = ", ".join(repr(blueprint) for blueprint in found)
    expect(
        name in found,
        f"the app has no blueprint named {name!r}"
        + (f"; its blueprints are named {names}" if found else ": no blueprint is registered"),
        fix=f'create it in {module} with bp = Blueprint("{name}", __name__): the first argument '
        f"is the name that goes in front of every endpoint, like {endpoint}; then "
        f"app.register_blueprint(...) in create_app",
    )
    return found[name]


def expect_route(probe, endpoint, rule, *, view):
    """The route for ``endpoint`` exists and answers ``rule``."""
    routes = probe.routes()
    found = [route["rule"] for route in routes if route["endpoint"] == endpoint]
    blueprint = endpoint.split(".")[0]
    mine = sorted(
        route["endpoint"] for route in routes if route["endpoint"].startswith(f"{blueprint}.")
    )
    expect(
        found,
        f"the app has no endpoint {endpoint!r}; the {blueprint} blueprint's endpoints are "
        f"{shown(mine)}",
        fix=f"an endpoint is the blueprint's name, a dot and the view function's name: "
        f"call the view function {view}",
    )
    got = found[0]
    static = rule.split("<")[0]
    if got == rule or ("<" in rule and "<" in got and got.split("<")[0] == static):
        return got  # a converter spelled otherwise, such as <int(min=1):book_id>, is fine too
    prefix = "/" + rule.split("/")[1]
    if got.startswith(prefix + prefix):
        fix = (
            f"the route repeats the prefix that register_blueprint already adds: "
            f"write the blueprint's route without {prefix}"
        )
    elif not got.startswith(prefix):
        fix = f'register the blueprint with url_prefix="{prefix}"'
    elif got == prefix and rule == prefix + "/":
        fix = f'write the route as @bp.get("/") so the page is at {rule}'
    else:
        fix = None
    expect(False, f"the endpoint {endpoint} answers {got}, expected {rule}", fix=fix)
    return got


def expect_url(probe, endpoint, expected, **values):
    built = probe.url_for(endpoint, **values)
    arguments = ", ".join(f"{key}={value!r}" for key, value in values.items())
    expect(
        built == expected,
        f"url_for({endpoint!r}{', ' if arguments else ''}{arguments}) built {built}, "
        f"expected {expected}",
        fix='the route should be @bp.get("/<int:book_id>"), under url_prefix="/catalog"',
    )


# catalog-blueprint


@pytest.mark.task("catalog-blueprint")
def test_catalog_is_a_blueprint_under_catalog(probe, inputs):
    expect_blueprint(probe, "catalog", CATALOG, "catalog.index")
    expect_route(probe, "catalog.index", "/catalog/", view="index")
    rule = expect_route(probe, "catalog.book", "/catalog/<int:book_id>", view="book")
    expect(
        re.search(r"<(?:[^<>:]+:)?book_id>", rule),
        f"the endpoint catalog.book answers {rule}, whose variable is not called book_id, "
        "so url_for('catalog.book', book_id=3) cannot build its URL",
        fix='name the variable book_id: @bp.get("/<int:book_id>") and def book(book_id)',
    )
    for book_id in [*BOOK_IDS, 0, inputs.integer(1, 99_999, avoid=BOOK_IDS, label="id")]:
        expect_url(probe, "catalog.book", f"/catalog/{book_id}", book_id=book_id)


@pytest.mark.task("catalog-blueprint")
def test_catalog_lists_every_book(client, probe):
    response = client.get("/catalog/")
    expect_page(
        response,
        probe,
        "/catalog/",
        'register the catalog blueprint with url_prefix="/catalog" and give it '
        'a view for @bp.get("/")',
    )
    text = body_text(response)
    missing = [title for _, title, _ in BOOKS if title not in text]
    expect(
        not missing,
        f"{response.request_line} answered a page without the titles {shown(missing)}",
        fix="list every book of inventory.all_books() with its title",
    )
    missing = [author for _, _, author in BOOKS if author not in text]
    expect(
        not missing,
        f"{response.request_line} answered a page without the authors {shown(missing)}",
        fix="show each book's author beside its title, as catalog/list.html does: "
        "{{ book.title }} by {{ book.author }}",
    )


@pytest.mark.task("catalog-blueprint")
@pytest.mark.parametrize(("book_id", "title", "author"), BOOKS, ids=[str(i) for i in BOOK_IDS])
def test_catalog_shows_each_book(client, probe, book_id, title, author):
    response = client.get(f"/catalog/{book_id}")
    expect_page(
        response,
        probe,
        f"/catalog/{book_id}",
        'add a route @bp.get("/<int:book_id>") to the catalog blueprint, '
        "and look the book up with inventory.get_book(book_id)",
    )
    text = body_text(response)
    for what, value in (("title", title), ("author", author)):
        expect(
            value in text,
            f"{response.request_line} answered a page without the book's {what} {value!r}",
            fix=f"show the {what} of inventory.get_book(book_id)",
        )


# auth-blueprint


@pytest.mark.task("auth-blueprint")
def test_auth_is_a_blueprint_under_auth(probe):
    expect_blueprint(probe, "auth", AUTH, "auth.login")
    expect_route(probe, "auth.login", "/auth/login", view="login")
    expect_route(probe, "auth.logout", "/auth/logout", view="logout")


@pytest.mark.task("auth-blueprint")
def test_login_page_has_a_form(client, probe):
    response = client.get("/auth/login")
    expect_page(
        response,
        probe,
        "/auth/login",
        'add @bp.get("/login") to the auth blueprint, registered with url_prefix="/auth"',
    )
    forms = [
        form
        for form in select(response, "form")
        if (form.get("method") or "get").lower() == "post" and form.select("[name=username]")
    ]
    expect(
        forms,
        f"{response.request_line} answered a page without a POST form that has a username field",
        fix='render "auth/login.html", which has the form',
    )


@pytest.mark.task("auth-blueprint")
@pytest.mark.parametrize("kind", ["a-name", "a-full-name", "another-script"])
def test_login_keeps_the_name_and_goes_to_the_catalog(client, inputs, kind):
    name = user_name(inputs, kind)
    response = client.post("/auth/login", data={"username": name})
    expect_redirect(
        response,
        "/catalog/",
        fix='after keeping the name, return redirect(url_for("catalog.index"))'
        if response.status_code != 405
        else 'the login route does not accept POST: add methods=("GET", "POST") '
        'or a second view with @bp.post("/login")',
    )
    got = response.session.get("user")
    expect(
        got == name,
        f"{response.request_line} with username={name!r} left session['user'] as {got!r}, "
        f"expected {name!r}",
        fix='session["user"] = request.form["username"]',
    )
    page = client.get("/auth/login")
    expect_status(page, 200)
    expect(
        f"Signed in as {name}" in " ".join(body_text(page).split()),
        f"after logging in as {name!r}, GET /auth/login does not say 'Signed in as {name}'",
        fix="base.html shows the name kept in the session: Signed in as {{ session.user }}",
    )


@pytest.mark.task("auth-blueprint")
def test_logout_forgets_the_name_and_goes_to_the_login_page(client, inputs):
    client.post("/auth/login", data={"username": user_name(inputs)})
    response = client.get("/auth/logout")
    expect_redirect(response, "/auth/login", fix='return redirect(url_for(".login"))')
    expect(
        "user" not in response.session,
        f"{response.request_line} left session['user'] as {response.session.get('user')!r}",
        fix='forget it with session.pop("user", None)',
    )


@pytest.mark.task("auth-blueprint")
def test_logout_when_nobody_is_logged_in_still_goes_to_the_login_page(client):
    response = client.get("/auth/logout")  # a new client: no one has logged in
    fix = None
    if response.error is not None and response.error.error_type == "KeyError":
        fix = 'session.pop("user") raises KeyError when no one is logged in: give it a default, session.pop("user", None)'
    expect_redirect(response, "/auth/login", fix=fix)


# blueprint-templates


def expect_namespaced(response, name, context):
    rendered = [template.name for template in response.templates]
    short = name.split("/")[-1]
    fix = None
    if short in rendered:
        fix = (
            f"move the template to shop/templates/{name} and render {name!r}: every template "
            f"folder, the app's and each blueprint's, is one search path, so a plain {short!r} "
            f"from one blueprint can be shadowed by another's"
        )
    elif not rendered:
        fix = (
            f"return render_template({name!r}, " + ", ".join(f"{key}=..." for key in context) + ")"
        )
    expect_template(response, name, context=context, fix=fix)


def expect_layout(response, title, template):
    """The page is its template's, inside the site's layout: base.html's title and nav."""
    got = page_title(response)
    expect(
        got == f"{title} · Bookshop",
        f"{response.request_line} has the title {got!r}, expected {title + ' · Bookshop'!r}",
        fix=f'{template} starts with {{% extends "base.html" %}} and fills '
        f"{{% block title %}}{title}{{% endblock %}}; base.html's <title> adds · Bookshop",
    )
    expect(
        select(response, "nav a[href]"),
        f"{response.request_line} answered a page without the site's <nav>",
        fix=f'keep {{% extends "base.html" %}} at the top of {template}',
    )


@pytest.mark.task("blueprint-templates")
def test_catalog_list_renders_its_template(client, probe):
    response = client.get("/catalog/")
    expect_page(response, probe, "/catalog/")
    expect_namespaced(response, "catalog/list.html", ("books",))
    expect_layout(response, "Catalog", "catalog/list.html")


@pytest.mark.task("blueprint-templates")
def test_catalog_book_renders_its_template(client, probe, inputs):
    for book_id in inputs.sample(BOOK_IDS, 2, label="books"):
        response = client.get(f"/catalog/{book_id}")
        expect_page(response, probe, f"/catalog/{book_id}")
        expect_namespaced(response, "catalog/book.html", ("book",))
        title = TITLES[book_id]
        expect_layout(response, title, "catalog/book.html")
        expect(
            [" ".join(h1.get_text().split()) for h1 in select(response, "h1")] == [title],
            f"{response.request_line} has no <h1>{title}</h1>",
            fix="<h1>{{ book.title }}</h1> in catalog/book.html",
        )


@pytest.mark.task("blueprint-templates")
def test_login_page_renders_its_template(client, probe):
    response = client.get("/auth/login")
    expect_page(response, probe, "/auth/login")
    expect_namespaced(response, "auth/login.html", ())
    expect_layout(response, "Log in", "auth/login.html")


# url-for-links


def expect_links(response, mount, wanted, how):
    found = hrefs(response)
    for path, endpoint in wanted:
        expected = mount + path
        if expected in found:
            continue
        if mount and path in found:
            fix = (
                f"the link is written out as {path}, which ignores where the app is mounted; "
                f"build it with {{{{ {endpoint} }}}}"
            )
        else:
            fix = f'link to it with href="{{{{ {endpoint} }}}}"'
        expect(
            False,
            f"{response.request_line}{where(mount)} answered a page without a link to "
            f"{expected} ({how}); its links go to {shown(found)}",
            fix=fix,
        )


@pytest.mark.task("url-for-links")
@pytest.mark.parametrize("kind", MOUNTS)
def test_catalog_list_links_with_url_for(client, probe, inputs, kind):
    mount = mount_for(kind, inputs)
    response = client.get("/catalog/", **mounted(mount))
    expect_page(response, probe, "/catalog/")
    books = [
        (f"/catalog/{book_id}", "url_for('catalog.book', book_id=book.id)") for book_id in BOOK_IDS
    ]
    expect_links(response, mount, books, "each book links to its page")
    expect_links(
        response, mount, [("/auth/login", "url_for('auth.login')")], "the nav links to logging in"
    )


@pytest.mark.task("url-for-links")
@pytest.mark.parametrize("kind", MOUNTS)
def test_book_and_login_pages_link_back_with_url_for(client, probe, inputs, kind):
    mount = mount_for(kind, inputs)
    catalog = [("/catalog/", "url_for('catalog.index')")]
    login = [("/auth/login", "url_for('auth.login')")]
    book = f"/catalog/{inputs.choice(BOOK_IDS, label='book')}"
    response = client.get(book, **mounted(mount))
    expect_page(response, probe, book)
    expect_links(response, mount, catalog + login, "every page links to the catalog and login")
    response = client.get("/auth/login", **mounted(mount))
    expect_page(response, probe, "/auth/login")
    expect_links(response, mount, catalog, "every page links to the catalog")
    response = client.get(unknown_url(inputs, "top-level"), **mounted(mount))
    if response.status_code == 404 and select(response, "a[href]"):  # the 404 page is site-404's
        expect_links(response, mount, catalog, "the 404 page links to the catalog")


@pytest.mark.task("url-for-links")
@pytest.mark.parametrize("logged_in", [False, True], ids=["logged-out", "logged-in"])
def test_no_link_is_left_unbuilt(client, inputs, logged_in):
    if logged_in:
        client.post("/auth/login", data={"username": user_name(inputs)})
    book = f"/catalog/{inputs.choice(BOOK_IDS, label='book')}"
    for path in ["/catalog/", book, "/auth/login", unknown_url(inputs, "top-level")]:
        response = client.get(path)
        if response.status_code not in (200, 404):
            continue  # a page not built yet; its own task says so
        unbuilt = [
            link.get_text(strip=True) or "a link"
            for link in select(response, "a[href]")
            if link["href"].strip() in ("", "#")
        ]
        expect(
            not unbuilt,
            f"{response.request_line}{' (logged in)' if logged_in else ''} answered a page whose "
            f'links {shown(unbuilt)} go nowhere (href="#" or empty)',
            fix="build every href with url_for and an endpoint name: url_for('catalog.index'), "
            "url_for('auth.login'), url_for('auth.logout')",
        )


@pytest.mark.task("url-for-links")
@pytest.mark.parametrize("kind", MOUNTS)
def test_auth_redirects_and_logout_link_follow_the_mount(client, probe, inputs, kind):
    mount = mount_for(kind, inputs)
    name = user_name(inputs)
    response = client.post("/auth/login", data={"username": name}, **mounted(mount))
    expect_redirect(
        response,
        f"{mount}/catalog/",
        fix=f'redirect(url_for("catalog.index")) rather than a written-out path{where(mount)}',
    )
    response = client.get("/catalog/", **mounted(mount))
    expect_page(response, probe, "/catalog/")
    expect_links(
        response,
        mount,
        [("/auth/logout", "url_for('auth.logout')")],
        f"once logged in as {name}, the nav links to logging out",
    )
    response = client.get("/auth/logout", **mounted(mount))
    expect_redirect(
        response,
        f"{mount}/auth/login",
        fix=f'redirect(url_for(".login")) rather than a written-out path{where(mount)}',
    )


# catalog-404


def catches_404(handler):
    """Whether an error handler (as probe.error_handlers() lists it) answers a 404."""
    return handler["code"] == 404 or handler["exception"] in ("NotFound", "HTTPException")


def fix_for_500(response, book_id):
    """A fix for the exception behind a 500, only where the exception shows what went wrong."""
    error = response.error
    if error is None:
        return None
    if "None" in error.error_text and error.error_type in (
        "AttributeError",
        "TypeError",
        "UndefinedError",
        "KeyError",
    ):
        return (
            "the view used a book that is None: check it first and "
            f'abort(404, description=f"no book with id {book_id}")'
        )
    if error.error_type == "BuildError" and "'catalog." in error.error_text:
        return (
            "in a catalog page, url_for('.name') means catalog.name: for another blueprint's "
            "page, name the blueprint, as in url_for('auth.login')"
        )
    return None  # the exception and its line, in the message, say more than a guess would


def names_id(error, book_id):
    return isinstance(error, str) and re.search(rf"(?<!\d){book_id}(?!\d)", error) is not None


def expect_pages_still_answer(client, probe, inputs):
    """A 404 counts only while the pages that exist still answer: a catalog whose every page is
    a 404 has no 404 handling to grade."""
    book_id, title, _ = inputs.choice(BOOKS, label="book")
    for path in ("/catalog/", f"/catalog/{book_id}"):
        response = client.get(path)
        expect_page(response, probe, path)
        if path != "/catalog/":
            expect(
                title in body_text(response),
                f"{response.request_line} answered a page without the book's title {title!r}: "
                "a missing book's 404 counts once the books that exist are shown "
                "(task catalog-blueprint)",
            )


@pytest.mark.task("catalog-404")
@pytest.mark.parametrize("kind", ["zero", "drawn"])
def test_missing_book_answers_json_404(client, probe, inputs, kind):
    expect_pages_still_answer(client, probe, inputs)
    book_id = 0 if kind == "zero" else inputs.integer(1, 99_999, avoid=BOOK_IDS, label="id")
    response = client.get(f"/catalog/{book_id}")
    body = response.get_json()
    if response.status_code == 200 and isinstance(body, dict) and "error" in body:
        missed = "the error handler answered with the default status 200: return its body and 404"
    else:
        missed = (
            "the view answered as if the book existed: when inventory.get_book(book_id) "
            "is None, abort(404, description=...)"
        )
    expect_status(response, 404, fixes={200: missed, 500: fix_for_500(response, book_id)})
    if not isinstance(body, dict):
        routed = any(route["endpoint"] == "catalog.book" for route in probe.routes()) and (
            probe.url_for("catalog.book", book_id=book_id) == f"/catalog/{book_id}"
        )
        expect(
            routed,
            f"{response.request_line} answered Flask's own 404 page because the catalog.book "
            f"route does not answer /catalog/{book_id} yet: it comes first (task catalog-blueprint)",
        )
    expect(
        isinstance(body, dict),
        f"{response.request_line} answered 404 with {response.mimetype or 'no content type'}, "
        f'expected JSON like {{"error": "no book with id {book_id}"}}',
        fix="give the catalog blueprint a handler, @bp.errorhandler(404), that returns "
        '{"error": error.description}, 404',
    )
    error = body.get("error")
    expect(
        names_id(error, book_id),
        f"{response.request_line} answered the JSON {body!r}, expected an 'error' that names "
        f'the id {book_id}, like "no book with id {book_id}"',
        fix='abort(404, description=f"no book with id {book_id}") and return '
        '{"error": error.description} from the handler',
    )


@pytest.mark.task("catalog-404")
def test_catalog_has_its_own_404_handler(probe):
    expect_blueprint(probe, "catalog", CATALOG, "catalog.index")
    catches = [handler for handler in probe.error_handlers() if catches_404(handler)]
    on_app = any(handler["blueprint"] is None for handler in catches)
    expect(
        any(handler["blueprint"] == "catalog" for handler in catches),
        "the catalog blueprint has no 404 handler of its own"
        + (
            " (the app-wide handlers for 404 come from @app.errorhandler or "
            "@bp.app_errorhandler, which answer every 404 in the site)"
            if on_app
            else ""
        ),
        fix="@bp.errorhandler(404) on the catalog blueprint answers abort(404) from the "
        "catalog's views only, and leaves the rest of the site alone; app_errorhandler "
        "registers for the whole app",
    )


# site-404


@pytest.mark.task("site-404")
@pytest.mark.parametrize("kind", UNKNOWN_URLS)
def test_unknown_url_answers_the_html_404_page(client, probe, inputs, kind):
    expect_pages_still_answer(client, probe, inputs)
    path = unknown_url(inputs, kind)
    response = client.get(path)
    rendered = any(template.name == "404.html" for template in response.templates)
    if response.status_code == 200:
        fix = 'the handler\'s status is the default 200: return render_template("404.html"), 404'
        rule = None if rendered else serving(probe, path)
        if rule is not None:
            fix = f"{path} should match no route, but the route {rule!r} answers it" + (
                ": write <int:book_id>, so that only a number matches"
                if "<" in rule and "<int:" not in rule
                else ""
            )
        expect_status(response, 404, fixes={200: fix} if rendered or rule else None)
    expect_status(response, 404)
    if response.get_json() is not None:
        expect(
            False,
            f"{response.request_line} answered JSON {response.get_json()!r}, expected the HTML "
            f"page 404.html",
            fix="a handler registered for the whole app answered in JSON; if it is the "
            "catalog's, register it with @bp.errorhandler(404), which covers only the "
            "catalog's views, and give the app its own HTML page",
        )
    if rendered:
        expect_layout(response, "Not found", "404.html")
        expect(
            [" ".join(h1.get_text().split()) for h1 in select(response, "main h1")]
            == ["Page not found"],
            f"{response.request_line} answered a page without 404.html's <h1>Page not found</h1>",
            fix="return the page 404.html renders: return render_template('404.html'), 404",
        )
        return
    handlers = [handler for handler in probe.error_handlers() if catches_404(handler)]
    blueprints = sorted({handler["blueprint"] for handler in handlers if handler["blueprint"]})
    on_app = [handler for handler in handlers if handler["blueprint"] is None]
    if on_app:
        fix = 'the app\'s 404 handler should return render_template("404.html"), 404'
    elif blueprints:
        fix = (
            f"the only 404 handlers belong to the blueprints {', '.join(blueprints)}. "
            "A blueprint's errorhandler(404) sees only abort(404) raised in that blueprint's "
            "own views, and a URL that no route matches never reaches a blueprint: Flask "
            "has not chosen a view yet. Register the page for the whole app, with "
            "@app.errorhandler(404) in create_app or @bp.app_errorhandler(404)"
        )
    else:
        fix = (
            "no handler renders 404.html: in create_app, @app.errorhandler(404) "
            'def page_not_found(error): return render_template("404.html"), 404'
        )
    expect_template(response, "404.html", fix=fix)
