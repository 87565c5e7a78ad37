"""Checks for module 04: Templates and Jinja."""

import ast
import re
from urllib.parse import urljoin, urlsplit

import pytest
from jinja2 import Environment, TemplateSyntaxError, nodes

from checker.api import expect, expect_element, expect_status, expect_template, select

# The books of exercises/04/app.py, as the checks expect to see them.
BOOKS = {
    1: {"title": "Dune", "author": "Frank Herbert", "year": 1965, "rating": 5},
    2: {"title": "Pride & Prejudice", "author": "Jane Austen", "year": 1813, "rating": 4},
    3: {
        "title": "Cien años de soledad",
        "author": "Gabriel García Márquez",
        "year": 1967,
        "rating": 5,
    },
    4: {
        "title": "The Left Hand of Darkness",
        "author": "Ursula K. Le Guin",
        "year": 1969,
        "rating": 4,
    },
    5: {"title": "ノルウェイの森", "author": "村上春樹", "year": 1987, "rating": 3},
    6: {"title": "Moby-Dick", "author": "Herman Melville", "year": 1851, "rating": 2},
}
WHERE = ["at-the-root", "under-a-prefix"]  # how the checks mount the app
SKELETON = re.compile(r"<!doctype|<html[\s>]", re.IGNORECASE)
PARSER = Environment()  # only parses the learner's templates; it never renders them


# Probes: these run beside the learner's app and return plain data.


def apply_filter(app, name, value):
    """The template filter ``name`` applied to ``value``, or None when there is no such filter."""
    function = app.jinja_env.filters.get(name)
    if function is None:
        return None
    return str(function(value))


# Reading pages and templates.


def text_of(tag):
    """A tag's text as a reader sees it: entities decoded, runs of whitespace made one space."""
    return " ".join(tag.get_text().split())


def prefix_for(where, inputs):
    """Where a check mounts the app: "" at the root, or a drawn prefix like /qofte, as a proxy
    serving it under a prefix would."""
    return "" if where == "at-the-root" else "/" + inputs.word(label="prefix")


def mounted(prefix):
    """How a failure says where the app was mounted: nothing at the root."""
    return f" (the app mounted under {prefix}, as a proxy may serve it)" if prefix else ""


def get(client, path, prefix=""):
    """GET ``path``, at the root of the site or with the app mounted under ``prefix``."""
    if prefix:
        return client.get(path, base_url=f"http://localhost{prefix}/")
    return client.get(path)


def shown(path, prefix=""):
    """How a failure names a request: GET /shop/books, or GET /books."""
    return f"GET {prefix}{path}"


def link_path(href, page, prefix=""):
    """The path a browser on ``page`` (under ``prefix``) would request for ``href``."""
    return urlsplit(urljoin(f"http://localhost{prefix}{page}", href)).path


def book_entries(response):
    """The <li> entries of ul.books that show a book (not the empty-list message)."""
    return select(response, "ul.books > li:not(.empty):not(:has(.empty))")


def page_title(response):
    titles = select(response, "title")
    return text_of(titles[0]) if titles else None


def template_tree(files, name):
    """The Jinja syntax tree of the learner's template ``name``, failing when there is none."""
    path = f"templates/{name}"
    expect(path in files, f"there is no {path}", fix=f"create {path}")
    try:
        return PARSER.parse(files[path])
    except TemplateSyntaxError as error:
        expect(False, f"{path} is not a valid template: {error.message} (line {error.lineno})")


def parent_of(tree):
    """The name a template extends, '' for a name that is not written out, or None."""
    for extends in tree.find_all(nodes.Extends):
        if isinstance(extends.template, nodes.Const):
            return extends.template.value
        return ""
    return None


def html_of(tree):
    """The HTML a template writes itself: its text outside {{ }}, {% %} and {# #}."""
    return "".join(data.data for data in tree.find_all(nodes.TemplateData))


def templates_of(files):
    """The learner's template names (books.html, not templates/books.html), sorted."""
    return sorted(
        name.removeprefix("templates/") for name in files if name.startswith("templates/")
    )


def ordinal(number):
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(number, f"{number}th")


def expect_page(response, status=200, fixes=None, errors=None):
    """expect_status, with a fix for the template-not-found mistakes when that is what was raised."""
    error = response.error
    errors = dict(errors or {})
    if error is not None and error.error_type == "TemplateNotFound":
        name = error.error_text
        if name.startswith("templates/"):
            errors["TemplateNotFound"] = (
                "render_template looks inside templates/ already: write "
                f"render_template({name.removeprefix('templates/')!r}, ...)"
            )
        else:
            errors["TemplateNotFound"] = (
                f"there is no templates/{name}: check the name of the file and of its folder"
            )
    expect_status(response, status, fixes=fixes, errors=errors)


def rules_of(probe):
    """The rules the app serves: ['/', '/books', '/books/<int:book_id>', ...]."""
    return [route["rule"] for route in probe.routes()]


def book_route_fix(probe, book_id):
    """Why GET /books/<id> of a book that exists answered 404, from the routes the app has."""
    rules = [rule for rule in rules_of(probe) if re.fullmatch(r"/books/<[^/>]+>", rule)]
    if not rules:
        return "there is no route for /books/<...>: add @app.route('/books/<int:book_id>')"
    if not rules[0].startswith("/books/<int:"):
        return (
            f"the route is {rules[0]!r}, so book_id does not arrive as the number {book_id}, "
            "and find_book compares it with the numbers in BOOKS: write '/books/<int:book_id>'"
        )
    return None  # the route matches; the view itself answered 404, and nothing more is known


def returned_none(response):
    """Whether the view returned None (Flask's TypeError says so)."""
    error = response.error
    return error is not None and "returned None" in error.error_text


@pytest.fixture
def files(submission):
    """The learner's files as text, by name: app.py and templates/*.html."""
    return dict(submission)


# layout

EXTEND_BASE = (
    'make {% extends "base.html" %} the first line of index.html and put its own part '
    "inside {% block content %}...{% endblock %}"
)


@pytest.mark.task("layout")
def test_home_page_extends_the_base_layout(client, files, inputs):
    response = client.get("/")
    expect_page(response, 200)
    expect_template(
        response,
        "index.html",
        fix="render the home page from its file: return render_template('index.html', name=name)",
    )
    base = template_tree(files, "base.html")
    expect(
        SKELETON.search(html_of(base)),
        "templates/base.html does not hold the page skeleton (no <!doctype html> or <html>)",
        fix="move the doctype, <html>, <head> and <body> from index.html into base.html",
    )
    blocks = {block.name for block in base.find_all(nodes.Block)}
    for block, where in (("title", "<title>"), ("content", "<main>")):
        expect(
            block in blocks,
            f"templates/base.html has no {{% block {block} %}} for the pages to fill",
            fix=f"put {{% block {block} %}}...{{% endblock %}} inside {where} in base.html",
        )
    chain, name = [], "index.html"
    while name != "base.html":
        tree = template_tree(files, name)
        parent = parent_of(tree)
        fix = EXTEND_BASE if name == "index.html" else f"make templates/{name} extend base.html"
        if parent is None:
            whole = name == "index.html" and SKELETON.search(html_of(tree))
            expect(
                False,
                f"templates/{name} does not extend base.html"
                + (": it is still a whole page of its own" if whole else ""),
                fix=fix,
            )
        expect(
            parent and parent not in chain and len(chain) < 5,
            f"templates/{name} extends {parent!r}, which does not lead to base.html",
            fix=fix,
        )
        chain.append(parent)
        name = parent
    for tag, count in (("title", 1), ("header", 1), ("main", 1), ("footer", 1)):
        found = select(response, tag)
        expect(
            len(found) == count,
            f"GET / has {len(found)} <{tag}> elements, expected {count} from the layout",
            fix="base.html writes the skeleton once; index.html fills only its blocks"
            if len(found) > count
            else f"base.html needs a <{tag}>",
        )
    expect(
        page_title(response) == "Bookshelf",
        f"GET / has the title {page_title(response)!r}, expected 'Bookshelf'",
        fix="give the title block a default: "
        "<title>{% block title %}Bookshelf{% endblock %}</title>",
    )
    expect_element(
        response,
        "main h1",
        text="Welcome to the Bookshelf",
        fix="keep index.html's <h1>Welcome to the Bookshelf</h1> inside its content block, "
        "which base.html places inside <main>",
    )
    for page in ("/", "/books", f"/books/{inputs.choice(sorted(BOOKS), label='book')}"):
        response = client.get(page)
        if page != "/" and response.status_code != 200:
            continue  # a page not built yet; its own task says so
        home = [
            link
            for link in select(response, "header a[href]")
            if link_path(link["href"], page) == "/"
        ]
        expect(
            home,
            f"the <header> of GET {page} has no link to the home page",
            fix="<header><a href=\"{{ url_for('index') }}\">Bookshelf</a></header> in base.html",
        )


@pytest.mark.task("layout")
def test_no_page_repeats_the_skeleton(files):
    copies = []
    for name in templates_of(files):
        if name == "base.html":
            continue
        tree = template_tree(files, name)
        if SKELETON.search(html_of(tree)):
            copies.append(f"templates/{name}")
    expect(
        not copies,
        f"{' and '.join(copies)} {'writes' if len(copies) == 1 else 'write'} the page skeleton "
        "(<!doctype html>, <html>) instead of extending base.html. Such a page looks right "
        "today, and keeps the old header the next time base.html changes",
        fix='start each page with {% extends "base.html" %} and keep only its own part, '
        "inside {% block title %} and {% block content %}",
    )


# book-list

SEARCHES = ["no-query", "part-of-a-title", "part-of-an-author", "in-capitals", "not-ascii", "&"]
RENDER_BOOKS = (
    "render_template('books.html', books=find_books(q)), with q = request.args.get('q', '')"
)


def matching(query):
    """The ids of the books find_books(query) returns, in its order."""
    query = query.casefold()
    return [
        book_id
        for book_id, book in BOOKS.items()
        if query in book["title"].casefold() or query in book["author"].casefold()
    ]


def pieces(*fields):
    """Every run of two to five characters inside one word of the books' ``fields``, sorted."""
    found = set()
    for book in BOOKS.values():
        for word in " ".join(book[field] for field in fields).split():
            for size in range(2, 6):
                found.update(word[start : start + size] for start in range(len(word) - size + 1))
    return sorted(found)


def drawn_query(inputs, kind):
    """A search term of the ``kind`` a check asks for, drawn from the books' own words."""
    if kind == "no-query":
        return ""
    if kind == "&":
        return "&"  # a character HTML escapes, in the one title that has it
    if kind == "part-of-a-title":
        return inputs.choice(pieces("title"), label="q")
    if kind == "part-of-an-author":
        return inputs.choice(pieces("author"), label="q")
    every = pieces("title", "author")
    if kind == "in-capitals":
        return inputs.choice([part.upper() for part in every if part.upper() != part], label="q")
    return inputs.choice([part for part in every if not part.isascii()], label="q")


def search(client, probe, query):
    """GET /books?q=query (plain /books for an empty query); fail unless it answers 200."""
    response = client.get("/books", query_string={"q": query}) if query else client.get("/books")
    if response.status_code == 404 and "/books" not in rules_of(probe):
        expect_page(
            response,
            200,
            fixes={404: "add a view for /books: @app.route('/books') above def books():"},
        )
    expect_page(response, 200)
    expect_template(
        response, "books.html", context=("books",), fix=f"render it with {RENDER_BOOKS}"
    )
    return response


@pytest.mark.task("book-list")
@pytest.mark.parametrize("kind", SEARCHES, ids=[*SEARCHES[:-1], "ampersand"])
def test_book_list_shows_the_books_that_match(client, probe, inputs, kind):
    query = drawn_query(inputs, kind)
    ids = matching(query)
    response = search(client, probe, query)
    request = response.request_line
    entries = [text_of(entry) for entry in book_entries(response)]
    titles = [BOOKS[book_id]["title"] for book_id in ids]
    if not entries:
        empty = select(response, ".empty")
        said = f" (it said {text_of(empty[0])!r})" if empty else ""
        fix = (
            'each book should be an <li> inside <ul class="books">. If books.html has '
            "that, check that the loop goes over the name the view passes, "
            "{% for book in books %}: Jinja treats a name it does not know as an empty list, "
            "without an error"
        )
        if query and book_entries(client.get("/books")):
            fix = (
                f"GET /books lists the books, so the template's loop works, but for q={query!r}"
                f" the view passed none: pass what find_books gives for the term that was sent, "
                f"{RENDER_BOOKS}"
            )
        expect(False, f"{request} listed no books{said}; expected {len(ids)}: {titles}", fix=fix)
    every = len(entries) == len(BOOKS) and len(ids) < len(BOOKS)
    expect(
        len(entries) == len(ids),
        f"{request} listed {len(entries)} books, expected {len(ids)}: {titles}",
        fix="show only the books the view passes: books=find_books(q) in the view, "
        "{% for book in books %} in books.html"
        if every
        else "write one <li> per book with {% for book in books %}, not each book by hand",
    )
    for position, (entry, book_id) in enumerate(zip(entries, ids, strict=True), 1):
        book = BOOKS[book_id]
        others = [b["title"] for b in BOOKS.values() if b is not book and b["title"] in entry]
        expect(
            book["title"] in entry and book["author"] in entry,
            f"{request}: the {ordinal(position)} entry reads {entry!r}, expected the title "
            f"{book['title']!r} and the author {book['author']!r}",
            fix="show the books in the order find_books(q) returns them"
            if others
            else "Jinja prints nothing for a name or attribute it cannot find, without an "
            "error: check the spelling, {{ book.title }} and {{ book.author }}",
        )


@pytest.mark.task("book-list")
@pytest.mark.parametrize("kind", ["a-made-up-word", "html"])
def test_book_list_says_when_nothing_matches(client, probe, inputs, kind):
    word = inputs.word(label="q")
    while matching(word):
        word = inputs.word(label="q")
    query = word if kind == "a-made-up-word" else f"<{word}>"
    response = search(client, probe, query)
    entries = book_entries(response)
    expect(
        not entries,
        f"{response.request_line} listed {len(entries)} books, expected none: "
        f"find_books({query!r}) finds nothing",
        fix="loop over the books the view passes, {% for book in books %}",
    )
    expect_element(
        response,
        ".empty",
        contains="No books found.",
        fix='add {% else %}<li class="empty">No books found.</li> just before {% endfor %}',
    )


@pytest.mark.task("book-list")
def test_book_list_has_its_own_title(client, probe):
    response = search(client, probe, "")
    title = page_title(response)
    expect(
        title is not None and re.fullmatch(r"Books\W.*Bookshelf", title) is not None,
        f"GET /books has the title {title!r}, expected 'Books · Bookshelf'",
        fix='in books.html, after {% extends "base.html" %}: '
        "{% block title %}Books · {{ super() }}{% endblock %}",
    )
    expect_element(
        response, "main h1", text="Books", fix="start the content block with <h1>Books</h1>"
    )


# book-detail

URL_FOR_BOOK = "url_for('book', book_id=book.id)"


def book_link_fix(got, want, prefix):
    """Why a book's link went to ``got`` instead of ``want``."""
    if prefix and got == want.removeprefix(prefix):
        return (
            f"that is a fixed path, so it leads out of the app: write the link as "
            f'href="{{{{ {URL_FOR_BOOK} }}}}" and url_for builds it for wherever the app is served'
        )
    return f'link each title with <a href="{{{{ {URL_FOR_BOOK} }}}}">'


@pytest.mark.task("book-detail")
@pytest.mark.parametrize("book_id", sorted(BOOKS))
def test_book_page_shows_the_book(client, probe, book_id):
    book = BOOKS[book_id]
    response = client.get(f"/books/{book_id}")
    if response.status_code == 404:
        expect_page(response, 200, fixes={404: book_route_fix(probe, book_id)})
    expect_page(response, 200)
    expect_template(
        response, "book.html", context=("book",), fix="render_template('book.html', book=...)"
    )
    expect_element(response, "h1", text=book["title"], fix="<h1>{{ book.title }}</h1> in book.html")
    for part in (book["author"], str(book["year"])):
        expect_element(
            response,
            ".author",
            contains=part,
            fix='<p class="author">by {{ book.author }}, {{ book.year }}</p> in book.html',
        )
    stars = "★" * book["rating"] + "☆" * (5 - book["rating"])
    expect_element(
        response,
        ".rating",
        text=stars,
        fix='<p class="rating">{{ book.rating|stars }}</p>, with the stars filter registered',
    )
    title = page_title(response)
    expect(
        title is not None and title.startswith(book["title"]) and title.endswith("Bookshelf"),
        f"GET /books/{book_id} has the title {title!r}, "
        f"expected {book['title'] + ' · Bookshelf'!r}",
        fix="{% block title %}{{ book.title }} · {{ super() }}{% endblock %} in book.html",
    )


NO_SUCH_BOOK = (
    "find_book returns None for a book that does not exist; answer abort(404) then, before "
    "book.html reads from it"
)


@pytest.mark.task("book-detail")
def test_unknown_books_answer_404(client, inputs):
    unknown = [0, len(BOOKS) + 1, inputs.integer(len(BOOKS) + 2, 999_999, label="unknown id")]
    for book_id in unknown:
        response = client.get(f"/books/{book_id}")
        expect_page(
            response,
            404,
            fixes={
                200: f"there is no book {book_id}, yet the page was rendered: find_book returns"
                " None for a book that does not exist; answer abort(404) then",
            },
            errors={
                # what reading from the None find_book gave raises, in the template or the view
                "UndefinedError": NO_SUCH_BOOK,
                "TypeError": (
                    f"for book {book_id}, which does not exist, the view returned None: answer"
                    " abort(404) when find_book gives None"
                )
                if returned_none(response)
                else NO_SUCH_BOOK,
                "AttributeError": NO_SUCH_BOOK,
                "IndexError": f"BOOKS has no book at the position {book_id} points to: look "
                "the book up with find_book(book_id), which gives None for a book that does "
                "not exist, and answer abort(404) then",
                "KeyError": f"looking book {book_id} up raised KeyError: use "
                "find_book(book_id), which gives None for a book that does not exist, and "
                "answer abort(404) then",
            },
        )


@pytest.mark.task("book-detail")
@pytest.mark.parametrize("rating", [0, 1, 2, 3, 4, 5])
def test_stars_filter_is_registered(probe, rating):
    got = probe(apply_filter, "stars", rating)
    expect(
        got is not None,
        "the app has no template filter named 'stars'",
        fix="put @app.template_filter('stars') above def stars(rating):",
    )
    want = "★" * rating + "☆" * (5 - rating)
    expect(
        got == want,
        f"the stars filter turned {rating} into {got!r}, expected {want!r}",
        fix="return '★' * rating + '☆' * (5 - rating)",
    )


@pytest.mark.task("book-detail")
@pytest.mark.parametrize("where", WHERE)
def test_book_list_links_each_book_to_its_page(client, inputs, where):
    prefix = prefix_for(where, inputs)
    response = get(client, "/books", prefix)
    expect_page(response, 200)
    where = mounted(prefix)
    entries = book_entries(response)
    expect(
        len(entries) == len(BOOKS),
        f"{shown('/books', prefix)}{where} listed {len(entries)} books, expected {len(BOOKS)}",
    )
    for entry, book_id in zip(entries, sorted(BOOKS), strict=True):
        link = entry.find("a", href=True)
        expect(
            link is not None,
            f"{shown('/books', prefix)}: the entry {text_of(entry)!r} has no link",
            fix=f'wrap the title in <a href="{{{{ {URL_FOR_BOOK} }}}}">...</a>',
        )
        got = link_path(link["href"], "/books", prefix)
        want = f"{prefix}/books/{book_id}"
        expect(
            got == want,
            f"{shown('/books', prefix)}{where} links {BOOKS[book_id]['title']!r} to {got}, "
            f"expected {want}",
            fix=book_link_fix(got, want, prefix),
        )


@pytest.mark.task("book-detail")
@pytest.mark.parametrize("where", WHERE)
def test_book_page_links_back_to_the_list(client, inputs, where):
    prefix = prefix_for(where, inputs)
    page = f"/books/{inputs.choice(sorted(BOOKS), label='book')}"
    response = get(client, page, prefix)
    expect_page(response, 200)
    back = expect_element(
        response,
        "a.back[href]",
        fix='<a class="back" href="{{ url_for(\'books\') }}">All books</a> in book.html',
    )
    got = link_path(back[0]["href"], page, prefix)
    want = f"{prefix}/books"
    fixed = prefix and got == "/books"
    expect(
        got == want,
        f"{shown(page, prefix)}{mounted(prefix)} links back to {got}, expected {want}",
        fix=("that is a fixed path, so it leads out of the app: " if fixed else "")
        + "write href=\"{{ url_for('books') }}\"",
    )


# stylesheet

STYLESHEET = "static/style.css"
LINK_STYLESHEET = (
    'in base.html\'s <head>: <link rel="stylesheet" '
    "href=\"{{ url_for('static', filename='style.css') }}\">"
)


@pytest.mark.task("stylesheet")
@pytest.mark.parametrize("where", WHERE)
def test_every_page_links_the_stylesheet(client, inputs, where):
    prefix = prefix_for(where, inputs)
    want = f"{prefix}/{STYLESHEET}"
    where = mounted(prefix)
    for page in ("/", "/books", f"/books/{inputs.choice(sorted(BOOKS), label='book')}"):
        response = get(client, page, prefix)
        if page != "/" and response.status_code != 200:
            continue  # a page not built yet; its own task says so
        expect_page(response, 200)
        hrefs = [link["href"] for link in select(response, 'link[rel~="stylesheet"][href]')]
        expect(hrefs, f"{shown(page, prefix)} links no stylesheet", fix=LINK_STYLESHEET)
        paths = [link_path(href, page, prefix) for href in hrefs]
        if want in paths:
            continue
        href, got = hrefs[0], paths[0]
        if href == f"/{STYLESHEET}":
            why = f'href="/{STYLESHEET}" is a fixed path, so it leads out of the app'
        elif not href.startswith(("/", "http:", "https:")):
            why = f"a relative href={href!r} is read from the page's own folder"
        else:
            why = None
        expect(
            False,
            f"{shown(page, prefix)}{where} links its stylesheet as {href!r}, which the browser "
            f"asks for at {got}; expected {want}" + (f": {why}" if why else ""),
            fix=LINK_STYLESHEET,
        )
    response = get(client, f"/{STYLESHEET}", prefix)
    expect_status(response, 200)
    expect(
        response.mimetype == "text/css",
        f"{shown('/' + STYLESHEET, prefix)} answered {response.mimetype!r}, expected 'text/css'",
    )


# escaping

NAMES = ["a-name", "script", "bold", "quote-and-ampersand", "jinja"]
HTML_CHARACTERS = set("<>&\"'")
SOURCE_FROM_INPUT = (
    "never build a template's text from input (an f-string or + inside "
    "render_template_string): pass the name as a variable, "
    "render_template('index.html', name=name), and print it with {{ name }}"
)
PASS_THE_NAME = (
    "read it with request.args.get('name', 'reader'), pass it with "
    "render_template('index.html', name=name), and print it with {{ name }}"
)


def called_name(call):
    """The name of the function a call calls: Markup for Markup(...) and markupsafe.Markup(...)."""
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return call.func.id if isinstance(call.func, ast.Name) else None


def xss_fix(files):
    """What in the learner's files let a name through unescaped, as far as the source shows."""
    trees = {}
    for name in templates_of(files):
        try:
            trees[name] = PARSER.parse(files[f"templates/{name}"])
        except TemplateSyntaxError:
            continue
    for name, tree in trees.items():
        for found in tree.find_all(nodes.Filter):
            printed = {variable.name for variable in found.find_all(nodes.Name)}
            if found.name == "safe" and printed & {"name", "request"}:
                return (
                    f"remove |safe in templates/{name}: it tells Jinja the value is trusted "
                    "HTML, and a visitor's name is not"
                )
        for modifier in tree.find_all(nodes.ScopedEvalContextModifier):
            for option in modifier.options:
                if option.key == "autoescape" and getattr(option.value, "value", True) is False:
                    return f"remove {{% autoescape false %}} from templates/{name}"
    try:
        module = ast.parse(files["app.py"])
    except (KeyError, SyntaxError):
        return PASS_THE_NAME
    for node in ast.walk(module):
        if not isinstance(node, ast.Call):
            continue
        if called_name(node) == "Markup":
            return (
                "do not wrap text that holds the name in Markup(...) in app.py: Markup "
                "marks it as trusted HTML. Pass the plain name and let the template escape "
                "it; put any HTML you want around it in the template"
            )
        built = node.args and isinstance(node.args[0], (ast.JoinedStr, ast.BinOp, ast.Call))
        if called_name(node) == "render_template_string" and built:
            return SOURCE_FROM_INPUT
    return PASS_THE_NAME


def drawn_name(inputs, kind):
    """A name of the ``kind`` a check asks for: a plain one, or one holding HTML or Jinja. Returns
    it and, for the Jinja kind, what the template code in it would print when run."""
    name = inputs.name(label="name")
    if kind == "script":
        return f'<script>alert("{name}")</script>', None
    if kind == "bold":
        tag = inputs.choice(["b", "i", "em", "strong", "u"], label="tag")
        return f"<{tag}>{name}</{tag}>", None
    if kind == "quote-and-ampersand":
        return f"{name} O'{inputs.word(label='word').capitalize()} & Sons", None
    if kind == "jinja":
        a, b = inputs.integers(2, 11, 99, label="a, b")
        return f"{{{{ {a} * {b} }}}}", str(a * b)
    return name, None


@pytest.mark.task("escaping")
@pytest.mark.parametrize("kind", NAMES)
def test_greeting_shows_the_name_as_text(client, files, inputs, kind):
    name, evaluated = drawn_name(inputs, kind)
    response = client.get("/", query_string={"name": name})
    request = f"GET /?name={name}"
    expect_page(response, 200)
    greeting = expect_element(
        response,
        ".greeting",
        count=1,
        fix='<p class="greeting">Hello, {{ name }}!</p> in index.html, with the name passed '
        "by the view",
    )
    got, want = text_of(greeting[0]), f"Hello, {name}!"
    expect(
        not (HTML_CHARACTERS & set(name) and name in response.text),
        f"{request} put the name into the page as HTML, unescaped: anyone can send a link with "
        "such a name and run their own script in the browser of whoever opens it, on your "
        "site (cross-site scripting, XSS)",
        fix=xss_fix(files),
    )
    expect(
        not (evaluated and evaluated in got),
        f"{request} showed {got!r}: the name was run as template code, so a visitor can "
        "make your server evaluate anything (server-side template injection)",
        fix=SOURCE_FROM_INPUT,
    )
    twice = any(entity in got for entity in ("&lt;", "&gt;", "&amp;", "&#"))
    expect(
        got == want,
        f"{request} greets {got!r}, expected {want!r}",
        fix="the name was escaped twice: Jinja escapes {{ name }} already, so pass the plain "
        "name to the template: escaping it in the view as well (with html.escape, say) is "
        "the second time"
        if twice
        else f"the greeting reads exactly Hello, {{{{ name }}}}!; {PASS_THE_NAME}",
    )


@pytest.mark.task("escaping")
def test_greeting_without_a_name_greets_the_reader(client):
    response = client.get("/")
    expect_page(response, 200)
    greeting = expect_element(
        response,
        ".greeting",
        count=1,
        fix='<p class="greeting">Hello, {{ name }}!</p> in index.html',
    )
    got = text_of(greeting[0])
    expect(
        got == "Hello, reader!",
        f"GET / without a name greets {got!r}, expected 'Hello, reader!'",
        fix="request.args.get('name') gives None when there is no name: give it a default, "
        "request.args.get('name', 'reader')"
        if "None" in got
        else "read the name with request.args.get('name', 'reader')",
    )
