"""Checks for module 12: Databases with Flask-SQLAlchemy and Flask-Migrate.

Every check that stores rows gets an app of its own (fresh_app) and starts by emptying its
database: with SQLite that is a new file anyway, and with DATABASE_URL set (a PostgreSQL database,
say) all the checks' apps share one database, so each drops what the one before it left. The
authors' names and the books' titles are drawn afresh each run.
"""

import math
import os
import re

import pytest

from checker.api import expect, expect_equal, expect_json, expect_status

MIGRATIONS = "check-migrations"  # the folder `flask db init -d ...` makes in the app's copy


# Probes: they run beside the learner's app and return plain data.


def empty_database(app, create):
    """Drop every table of the app's database (alembic's too); then create the models' tables."""
    if "sqlalchemy" not in app.extensions:
        return {"bound": False}
    import sqlalchemy

    db = app.extensions["sqlalchemy"]
    with app.app_context():
        engine = db.engine
        found = sqlalchemy.MetaData()
        found.reflect(bind=engine)
        found.drop_all(bind=engine)
        if create:
            db.create_all()
        tables = sorted(sqlalchemy.inspect(engine).get_table_names())
        engine.dispose()
    models = sorted(db.metadata.tables)
    return {"bound": True, "dialect": engine.dialect.name, "tables": tables, "models": models}


def table_names(app):
    """The tables in the app's database, and those of its models."""
    import sqlalchemy

    db = app.extensions["sqlalchemy"]
    with app.app_context():
        names = sorted(sqlalchemy.inspect(db.engine).get_table_names())
        db.engine.dispose()
    return {"tables": names, "models": sorted(db.metadata.tables)}


def nullable_columns(app):
    """The columns of the models' tables that the database lets be NULL (primary keys aside)."""
    import sqlalchemy

    db = app.extensions["sqlalchemy"]
    with app.app_context():
        inspector = sqlalchemy.inspect(db.engine)
        found = [
            f"{table}.{column['name']}"
            for table in sorted(db.metadata.tables)
            for column in inspector.get_columns(table)
            if column["nullable"] and column["name"] not in
            inspector.get_pk_constraint(table)["constrained_columns"]
        ]  # fmt: skip
        db.engine.dispose()
    return found


def the_two_sides(app):
    """Link a new book and author through one side of the relationship; what the other shows.

    Nothing is added to a session: the two attributes must be the two ends of one relationship.
    """
    db = app.extensions["sqlalchemy"]
    classes = {mapper.class_.__name__: mapper for mapper in db.Model.registry.mappers}
    if "Author" not in classes or "Book" not in classes:
        return {"models": sorted(classes)}
    author, book = classes["Author"], classes["Book"]
    to_author = [r.key for r in book.relationships if r.mapper is author and not r.uselist]
    to_books = [r.key for r in author.relationships if r.mapper is book and r.uselist]
    found = {"models": sorted(classes), "book.author": to_author, "author.books": to_books}
    if not to_author or not to_books:
        return found
    with app.app_context():
        first, second = author.class_(name="a"), author.class_(name="b")
        one, two = book.class_(title="x"), book.class_(title="y")
        setattr(one, to_author[0], first)
        getattr(second, to_books[0]).append(two)
        found["linked"] = len(list(getattr(first, to_books[0])))  # lazy="dynamic" is a query
        found["appended"] = getattr(two, to_author[0]) is second
    return found


def default_database(module):
    """create_app({"TESTING": True}) on a machine with no instance folder yet: where its database
    is, and whether an author can be stored there."""
    import shutil

    probe_app = module.create_app({"TESTING": True})
    shutil.rmtree(probe_app.instance_path, ignore_errors=True)
    app = module.create_app({"TESTING": True})
    found = {"instance": app.instance_path, "uri": app.config.get("SQLALCHEMY_DATABASE_URI")}
    db = app.extensions.get("sqlalchemy")
    if db is None:
        return found
    with app.app_context():
        found["database"] = db.engine.url.database
        try:
            db.create_all()
        except Exception as error:
            found["error"] = f"{type(error).__name__}: {error}".splitlines()[0]
            return found
        finally:
            db.engine.dispose()
    found["stored"] = _store_an_author(app, "x")
    return found


def _store_an_author(app, name):
    """Store an Author through the app's own session: an error, or None when it was stored.

    Only the columns are used (no route, no relationship), so this needs init_app and nothing
    of a later task."""
    db = app.extensions["sqlalchemy"]
    classes = {mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers}
    if "Author" not in classes:
        return f"there is no model named Author (the models are {sorted(classes)})"
    with app.app_context():
        try:
            db.session.add(classes["Author"](name=name))
            db.session.commit()
        except Exception as error:
            return f"{type(error).__name__}: {error}".splitlines()[0]
        finally:
            db.session.remove()
            db.engine.dispose()
    return None


def statements_for(app, path):
    """GET ``path`` on the app; its status, its JSON and the SQL statements it ran."""
    from sqlalchemy import event

    statements = []

    def note(connection, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split())[:2000])

    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        response = app.test_client().get(path)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    db = app.extensions["sqlalchemy"]
    tables = {
        mapper.class_.__name__: mapper.local_table.name for mapper in db.Model.registry.mappers
    }
    return {
        "status": response.status_code,
        "json": response.get_json(silent=True),
        "statements": statements,
        "tables": tables,
    }


def stored_rows(app):
    """How many rows the tables of Author and Book hold, read in a session of the probe's own."""
    import sqlalchemy

    db = app.extensions["sqlalchemy"]
    counts = {}
    with app.app_context():
        for mapper in db.Model.registry.mappers:
            if mapper.class_.__name__ in ("Author", "Book"):
                query = sqlalchemy.select(sqlalchemy.func.count()).select_from(mapper.local_table)
                counts[mapper.class_.__name__] = db.session.scalar(query)
        db.session.remove()
    return counts


def _new_app(module, config, name):
    """create_app(config) with a SQLite file of its own, in a new folder of the app's copy."""
    import os
    import tempfile

    folder = tempfile.mkdtemp(prefix="probe-", dir=os.path.dirname(module.__file__))
    uri = f"sqlite:///{os.path.join(folder, name)}"
    return module.create_app({**config, "SQLALCHEMY_DATABASE_URI": uri}), uri


def tables_of_a_new_app(module):
    """The models' tables in a new database once create_app has run and served one request."""
    import sqlalchemy

    app, uri = _new_app(module, {"TESTING": True}, "new.sqlite")
    try:
        app.test_client().get("/books")
    except Exception:  # no tables, as there should be none yet
        pass
    engine = sqlalchemy.create_engine(uri)
    names = sorted(sqlalchemy.inspect(engine).get_table_names())
    engine.dispose()
    db = app.extensions.get("sqlalchemy")
    models = set(db.metadata.tables) if db is not None else set()
    return [name for name in names if name in models]


def two_apps_with_authors(module, first, second):
    """Two apps with a SQLite file each: the database each one uses, and the authors in each
    file once each app has stored one."""
    made = [_new_app(module, {"TESTING": True}, f"{index}.sqlite") for index in (1, 2)]
    apps = [app for app, _ in made]
    found = {
        "same": apps[0] is apps[1],
        "bound": ["sqlalchemy" in app.extensions for app in apps],
        "uris": [uri for _, uri in made],
        "engines": [],
    }
    if not all(found["bound"]) or found["same"]:
        return found
    for app in apps:
        db = app.extensions["sqlalchemy"]
        with app.app_context():
            db.create_all()
            found["engines"].append(db.engine.url.render_as_string(hide_password=True))
    found["stored"] = [_store_an_author(app, name)
                       for app, name in zip(apps, (first, second), strict=True)]  # fmt: skip
    found["names"] = [_names_in(app, uri) for app, uri in made]
    return found


def _names_in(app, uri):
    """The authors' names in the SQLite file at ``uri``, read without the app."""
    import sqlalchemy

    table = next(
        mapper.local_table
        for mapper in app.extensions["sqlalchemy"].Model.registry.mappers
        if mapper.class_.__name__ == "Author"
    )
    engine = sqlalchemy.create_engine(uri)
    try:
        with engine.connect() as connection:
            return sorted(connection.execute(sqlalchemy.select(table.c.name)).scalars())
    except Exception:
        return []
    finally:
        engine.dispose()


# Helpers: the setup every check does, with messages that say what went wrong.


def start_empty(probe, create=True):
    """Empty the app's database (and create the tables, unless ``create`` is false)."""
    found = probe(empty_database, create)
    expect(
        found["bound"],
        "the app made by create_app has no 'sqlalchemy' in app.extensions, so it has no database",
        fix="call db.init_app(app) in create_app, after the config is loaded",
    )
    return found


def a_title(inputs, label="title"):
    """A made-up title, often not ASCII: 'Vąkleto'."""
    return inputs.word(accents=True, label=label).capitalize()


def numbered_titles(inputs, count):
    """``count`` titles that share a drawn first word, numbered: 'Vąkleto 1', 'Vąkleto 2', ...
    (one value drawn, so a failing check's message stays short)."""
    stem = a_title(inputs, label="titles start with")
    return [f"{stem} {number}" for number in range(1, count + 1)]


def post_author(client, name, created=False):
    """POST /authors {"name": name}; the author it answered, with a whole-number id.

    Only the commit task's check asks for the status 201 itself (``created``); for the others
    the POST is setup, and any 2xx will do."""
    response = client.post("/authors", json={"name": name})
    if created or not 200 <= response.status_code < 300:
        expect_status(
            response,
            201,
            fixes={200: "return the new author with the status 201 Created: "
                   "return author.to_dict(), 201"},
        )  # fmt: skip
    body = response.get_json()
    expect(
        isinstance(body, dict) and "id" in body,
        f'POST /authors {{"name": {name!r}}} answered {body!r}, expected the author as JSON '
        "with its id",
    )
    expect(
        body["id"] is not None,
        f'POST /authors {{"name": {name!r}}} answered an author whose id is null: the database '
        "gives the id when the row is written, and the row was never written",
        fix="call db.session.commit() after db.session.add(author), before returning the author",
    )
    expect_equal(body, {"id": body["id"], "name": name, "books": []}, "the new author")
    expect(isinstance(body["id"], int), f"the new author's id is {body['id']!r}, not a number")
    return body


def post_book(client, author, title, created=False):
    """POST /authors/<id>/books {"title": title}; the book it answered (any 2xx, or 201 when
    ``created``, as for post_author)."""
    response = client.post(f"/authors/{author['id']}/books", json={"title": title})
    fixes = {200: "return the new book with the status 201 Created: return book.to_dict(), 201"}
    if response.status_code == 404 and client.get(f"/authors/{author['id']}").status_code == 404:
        fixes[404] = lost_after_the_request(f"POST /authors answered the author {author['id']}")
    if created or not 200 <= response.status_code < 300:
        expect_status(response, 201, fixes=fixes)
    body = response.get_json()
    expect(
        isinstance(body, dict) and body.get("id") is not None,
        f'POST /authors/{author["id"]}/books {{"title": {title!r}}} answered {body!r}, '
        "expected the book as JSON with its id",
        fix="call db.session.commit() after db.session.add(book), before returning the book"
        if isinstance(body, dict) and "id" in body
        else None,
    )
    expect_equal(
        body,
        {"id": body["id"], "title": title, "author": author["name"]},
        f"the book POST /authors/{author['id']}/books answered",
    )
    return body


def expect_stored(probe, authors, books, what):
    """The database holds the ``authors`` and ``books`` the check posted: nothing was lost when
    the requests ended (a flush() without commit() is rolled back then)."""
    counts = probe(stored_rows)
    kept = (counts.get("Author"), counts.get("Book"))
    lost = None not in kept and kept[0] <= authors and kept[1] <= books
    expect(
        kept == (authors, books),
        f"{what}, and each POST answered what it made, but once those requests had ended the "
        f"database held {kept[0]} authors and {kept[1]} books, not {authors} and {books}"
        + (": nothing a request does not commit outlives it, since Flask-SQLAlchemy ends the "
           "session (rolling it back) after every request" if lost else ""),
        fix="call db.session.commit() after db.session.add(...) in both POST views; a flush() "
        "writes the rows, but the rollback at the end of the request takes them back"
        if lost else None,
    )  # fmt: skip


def statements_reading(found, model):
    """The statements of ``found`` (from statements_for) that read rows of ``model``'s table,
    COUNT queries aside."""
    table = re.escape(found["tables"].get(model, model.lower()))
    reads = re.compile(rf'\b(FROM|JOIN)\s+"?{table}"?(\s|$)', re.IGNORECASE)
    return [
        statement
        for statement in found["statements"]
        if statement.upper().startswith("SELECT") and reads.search(statement)
        and not re.match(r"SELECT count\(", statement, re.IGNORECASE)
    ]  # fmt: skip


def lost_after_the_request(what):
    return (
        f"{what}, but the next request cannot find it: what a request adds and does not commit is "
        "rolled back when its session ends (Flask-SQLAlchemy ends it after every request). Call "
        "db.session.commit() after db.session.add(...)"
    )


# models


@pytest.mark.task("models")
@pytest.mark.fresh_app
def test_authors_have_books(client, probe, inputs):
    start_empty(probe)
    names = [inputs.name(label="author"), inputs.name(label="author") + " Jr."]
    first, second = (post_author(client, name) for name in names)
    expect(
        first["id"] != second["id"],
        f"two new authors both got the id {first['id']}: the first one was not kept, so the "
        "database gave its id again",
        fix="call db.session.commit() after db.session.add(author); a flush() alone is rolled "
        "back when the request ends",
    )
    titles = [a_title(inputs) for _ in range(3)]
    books = [post_book(client, author, title)
             for author, title in zip((first, second, first), titles, strict=True)]  # fmt: skip
    expect_stored(probe, 2, 3, "the check posted 2 authors and 3 books")
    expect(
        len({book["id"] for book in books}) == 3,
        f"three new books got the ids {[book['id'] for book in books]}, expected three different ids",
    )
    for author, own in ((first, [titles[0], titles[2]]), (second, [titles[1]])):
        response = client.get(f"/authors/{author['id']}")
        expect_status(response, 200)
        expect_json(
            response,
            {"id": author["id"], "name": author["name"], "books": own},
            fix="list the author's books through the relationship, oldest first: "
            "books = db.relationship('Book', back_populates='author', order_by='Book.id')",
        )
    path = f"/authors/{first['id']}"
    found = probe(statements_for, path)
    reading = statements_reading(found, "Book")
    expect(
        not reading or any("ORDER BY" in statement.upper() for statement in reading),
        f"GET {path} loaded the author's books with SQL that has no ORDER BY "
        f"({reading[0][:300] if reading else ''}): the database may then give them in any "
        "order, and the brief asks for author.books oldest first",
        fix="order the relationship: books = db.relationship('Book', back_populates='author', "
        "order_by='Book.id')",
    )
    for book in books:
        response = client.get(f"/books/{book['id']}")
        expect_status(response, 200)
        expect_json(response, book)


@pytest.mark.task("models")
@pytest.mark.fresh_app
def test_the_relationship_has_two_sides(probe):
    start_empty(probe)
    found = probe(the_two_sides)
    expect(
        {"Author", "Book"} <= set(found["models"]),
        f"the models are {found['models']}, expected Author and Book",
    )
    expect(
        found["book.author"] and found["author.books"],
        "Book needs a relationship to one Author and Author one to a list of Books; found "
        f"Book → Author {found['book.author'] or 'none'}, Author → Books "
        f"{found['author.books'] or 'none'}",
        fix="in Book: author = db.relationship('Author', back_populates='books'); in Author: "
        "books = db.relationship('Book', back_populates='author', order_by='Book.id')",
    )
    side, books = found["book.author"][0], found["author.books"][0]
    expect(
        found["linked"] == 1 and found["appended"],
        f"book.{side} and author.{books} do not stay in step: setting book.{side} = author "
        f"left {found['linked']} books in author.{books}"
        + ("" if found["appended"] else
           f", and author.{books}.append(book) left book.{side} unset")
        + ": they are two separate relationships over one foreign key",
        fix=f"pair them: back_populates='{books}' on Book.{side} and back_populates='{side}' on "
        f"Author.{books} (or one backref)",
    )  # fmt: skip


@pytest.mark.task("models")
@pytest.mark.fresh_app
def test_the_models_make_two_tables(probe):
    found = probe(empty_database, True)
    expect(found["bound"], "the app has no database", fix="call db.init_app(app) in create_app")
    expect(
        len(found["models"]) >= 2 and set(found["models"]) <= set(found["tables"]),
        f"db.create_all() made the tables {found['tables']}, expected one for each model, "
        "Author and Book",
        fix="define the models Author and Book as subclasses of db.Model",
    )
    nullable = probe(nullable_columns)
    expect(
        not nullable,
        f"the database lets {', '.join(nullable)} be NULL: an author without a name, a book "
        "without a title or without an author could be stored",
        fix="make every column required: db.Column(..., nullable=False)",
    )


# commit


@pytest.mark.task("commit")
@pytest.mark.fresh_app
def test_what_is_posted_is_there_in_the_next_request(client, probe, inputs):
    start_empty(probe)
    author = post_author(client, inputs.name(label="author"), created=True)
    response = client.get(f"/authors/{author['id']}")
    expect_status(
        response,
        200,
        fixes={404: lost_after_the_request(f"POST /authors answered the author {author['id']}")},
    )
    expect_json(response, author)
    titles = [a_title(inputs) for _ in range(2)]
    for title in titles:
        book = post_book(client, author, title, created=True)
        response = client.get(f"/books/{book['id']}")
        expect_status(
            response,
            200,
            fixes={404: lost_after_the_request(f"POST /authors/{author['id']}/books answered "
                                               f"the book {book['id']}")},
        )  # fmt: skip
        expect_json(response, book)
    response = client.get(f"/authors/{author['id']}")
    expect_status(response, 200)
    body = response.get_json()
    shown = body.get("books") if isinstance(body, dict) else None
    if isinstance(shown, list) and all(isinstance(title, str) for title in shown):
        # In which order they come is the models task's business, not this one's.
        expect_equal(
            sorted(shown),
            sorted(titles),
            f"the titles of GET /authors/{author['id']}, in any order",
        )
    else:
        expect_json(response, {**author, "books": titles})


# get-or-404


@pytest.mark.task("get-or-404")
@pytest.mark.fresh_app
def test_a_missing_id_answers_404(client, probe, inputs):
    start_empty(probe)
    author = post_author(client, inputs.name(label="author"))
    book = post_book(client, author, a_title(inputs))
    expect_stored(probe, 1, 1, "the check posted an author and a book")
    missing = max(author["id"], book["id"]) + inputs.integer(1, 500, label="missing id")
    expect_status(client.get(f"/authors/{author['id']}"), 200)
    expect_status(client.get(f"/books/{book['id']}"), 200)
    fix = (
        "look the row up with db.get_or_404(Model, id), which answers 404 Not Found when there "
        "is no such row; db.session.get() and Model.query.get() give None instead"
    )
    errors = {"AttributeError": fix, "TypeError": fix}
    no_author = (
        "find the author with db.get_or_404(Author, author_id) before adding a book: without "
        "it the book is stored with an author_id that names no author (SQLite takes it, and "
        "book.author is None; PostgreSQL refuses it with an IntegrityError)"
    )
    for response in (
        client.get(f"/authors/{missing}"),
        client.get(f"/books/{missing}"),
        client.post(f"/authors/{missing}/books", json={"title": a_title(inputs)}),
    ):
        adding = response.request_line.startswith("POST")
        expect_status(
            response,
            404,
            fixes={200: fix, 201: no_author},
            errors={**errors, "AttributeError": no_author, "IntegrityError": no_author}
            if adding
            else errors,
        )


# pagination


def _listing(books, page, per_page):
    total = len(books)
    return {
        "books": books[(page - 1) * per_page : page * per_page],
        "page": page,
        "pages": math.ceil(total / per_page),
        "total": total,
    }


def page_fix(response, books, page, per_page, default=False):
    """What a page that is wrong says about the mistake, if anything (``default``: the request
    gave no ?per_page=)."""
    body = response.get_json()
    total = len(books)
    if (
        isinstance(body, dict)
        and body.get("pages") == total // per_page != math.ceil(total / per_page)
        and type(body.get("pages")) is int
    ):
        return (
            f"pages is how many pages it takes to show all {total} books, {per_page} a page, "
            f"counting the last one that is not full: round up, math.ceil(total / per_page), "
            f"not total // per_page"
        )
    shown = body.get("books") if isinstance(body, dict) else None
    if not isinstance(shown, list) or not shown or not isinstance(shown[0], dict):
        return None
    ids = [book["id"] for book in books]
    at = ids.index(shown[0].get("id")) if shown[0].get("id") in ids else None
    if at == page * per_page:
        return "page 1 is the first page: skip (page - 1) * per_page books, not page * per_page"
    if len(shown) == len(books) > per_page:
        return f"answer one page of {per_page} books, not all {len(books)} of them"
    if at == (page - 1) * per_page and len(shown) != len(books[at : at + per_page]):
        if default:
            return f"without ?per_page= a page holds 20 books, not {len(shown)}"
        return f"a page holds per_page books ({per_page}), not {len(shown)}"
    return None


@pytest.mark.task("pagination")
@pytest.mark.fresh_app
def test_books_come_a_page_at_a_time(client, probe, inputs):
    start_empty(probe)
    authors = [post_author(client, inputs.name(label="author")) for _ in range(2)]
    count = inputs.integer(21, 24, label="books")
    titles = numbered_titles(inputs, count)
    books = [post_book(client, authors[number % 2], title) for number, title in enumerate(titles)]
    response = client.get("/books")
    expect_status(response, 200)
    expect_stored(probe, 2, count, f"the check posted 2 authors and {count} books")
    expect_json(response, _listing(books, 1, 20), fix=page_fix(response, books, 1, 20, True))
    per_page = inputs.integer(4, 9, label="per_page")
    pages = math.ceil(count / per_page)
    for page in range(1, pages + 1):
        query = {"page": page, "per_page": per_page}
        response = client.get("/books", query_string=query)
        expect_status(response, 200)
        expect_json(
            response, _listing(books, page, per_page), fix=page_fix(response, books, page, per_page)
        )
    response = client.get("/books", query_string={"page": pages + 1, "per_page": per_page})
    expect_status(
        response,
        404,
        fixes={200: f"there are only {pages} pages of {per_page}: answer 404 for a page past the "
               "last, as db.paginate() does"},
    )  # fmt: skip
    path = f"/books?page=2&per_page={per_page}"
    found = probe(statements_for, path)
    reading = statements_reading(found, "Book")
    cut = [s for s in reading if re.search(r"\b(LIMIT|FETCH)\b", s, re.IGNORECASE)]
    expect(
        not reading or cut,
        f"GET {path} read every book from the database ({reading[0][:300] if reading else ''}: "
        "no LIMIT) and kept one page of them in Python: with a million books that is a million "
        "rows fetched for a page of a few",
        fix="let the database cut the page: db.paginate(query), or "
        ".limit(per_page).offset((page - 1) * per_page) on the query",
    )
    expect(
        not cut or any("ORDER BY" in statement.upper() for statement in cut),
        f"GET {path} asked for a page of books with SQL that has no ORDER BY ({cut[0][:300]}): "
        "without one the database may give the rows in any order, so two pages can overlap or "
        "skip books, and the brief asks for them oldest first",
        fix="order the query before paginating: db.select(Book).order_by(Book.id)",
    )


# n-plus-one


@pytest.mark.task("n-plus-one")
@pytest.mark.fresh_app
def test_listing_books_takes_the_same_queries_for_more_books(client, probe, inputs):
    start_empty(probe)
    books = []
    counts = {}
    sizes = (2, inputs.integer(5, 8, label="books"))
    titles = numbered_titles(inputs, sizes[-1])
    stem = inputs.name(label="authors' names start with")
    for size in sizes:
        while len(books) < size:
            author = post_author(client, f"{stem} {len(books) + 1}")
            books.append(post_book(client, author, titles[len(books)]))
        if size == 2:
            expect_stored(probe, 2, 2, "the check posted 2 authors and a book by each")
        path = f"/books?per_page={size}"
        found = probe(statements_for, path)
        expect_equal(found["status"], 200, f"the status of GET {path}")
        expect_equal(
            found["json"], _listing(books, 1, size), f"the JSON of GET {path} ({size} books)"
        )
        counts[size] = len(found["statements"])
        table = re.escape(found["tables"].get("Author", "author"))
        everyone = [
            statement for statement in statements_reading(found, "Author")
            if re.search(rf'\bFROM\s+"?{table}"?(\s|$)', statement, re.IGNORECASE)
            and not re.search(r"\b(WHERE|JOIN)\b", statement, re.IGNORECASE)
        ]  # fmt: skip
        expect(
            not everyone,
            f"GET {path} loaded every author in the database "
            f"({everyone[0][:200] if everyone else ''}), not only those of the page's books: that takes one query whatever the page, but "
            "it fetches every author there is",
            fix="load only the page's authors, with the books: "
            "db.select(Book).options(selectinload(Book.author)) (or joinedload)",
        )
    (few, few_count), (many, many_count) = counts.items()
    expect(
        many_count <= few_count,
        f"GET /books ran {few_count} SQL statements for {few} books by {few} authors, and "
        f"{many_count} for {many}: each book's author is loaded with a query of its own when "
        "to_dict() reads book.author (one query per row, the N+1 problem)",
        fix="load the authors together with the books: "
        "db.select(Book).options(selectinload(Book.author)) (or joinedload), "
        "or lazy='selectin' on the relationship",
    )


# init-app


@pytest.mark.task("init-app")
def test_the_extensions_are_bound(probe):
    names = probe.extensions()
    expect(
        "sqlalchemy" in names,
        f"the app's extensions are {names}, with no 'sqlalchemy'",
        fix="call db.init_app(app) in create_app, after the config is loaded",
    )


@pytest.mark.task("init-app")
@pytest.mark.fresh_app
def test_the_default_database_is_in_the_instance_folder(probe):
    found = probe.module(default_database)
    doing = "with no instance folder yet, create_app({'TESTING': True}), which names no database,"
    expect(
        "database" in found,
        f"{doing} made an app with no 'sqlalchemy' in app.extensions",
        fix="call db.init_app(app) in create_app, after the config is loaded",
    )
    expected = os.path.join(found["instance"], "books.sqlite")
    expect(
        found["database"] == expected,
        f"{doing} uses the database {found['uri']!r} (the file {found['database']!r}), expected "
        f"the SQLite file books.sqlite in the instance folder, {expected!r}",
        fix="default SQLALCHEMY_DATABASE_URI to 'sqlite:///' + os.path.join(app.instance_path, "
        "'books.sqlite'), before the test config is applied",
    )
    problem = found.get("error") or found.get("stored")
    fix = None
    if problem and "unable to open database file" in problem:
        fix = (
            "SQLite cannot make a file in a folder that does not exist: create the instance "
            "folder in create_app with os.makedirs(app.instance_path, exist_ok=True)"
        )
    expect(problem is None, f"{doing} cannot store an author: {problem}", fix=fix)


@pytest.mark.task("init-app")
@pytest.mark.fresh_app
def test_each_app_has_its_own_database(probe, inputs):
    names = [inputs.name(label="author"), inputs.name(label="author") + " II"]
    found = probe.module(two_apps_with_authors, *names)
    expect(
        all(found["bound"]),
        "an app made by create_app has no 'sqlalchemy' in app.extensions",
        fix="call db.init_app(app) in create_app, after the config is loaded",
    )
    expect(
        not found["same"],
        "create_app() returned the same app twice, so two apps share one database",
        fix="make a new Flask app in every call and bind db to it with db.init_app(app)",
    )
    for uri, engine in zip(found["uris"], found["engines"], strict=True):
        expect(
            engine == uri,
            f"the app made with SQLALCHEMY_DATABASE_URI = {uri!r} uses the database {engine!r}",
            fix="db.init_app(app) reads SQLALCHEMY_DATABASE_URI when it is called: call it in "
            "create_app after the test config is applied, never SQLAlchemy(app) at import",
        )
    for index, problem in enumerate(found["stored"]):
        expect(problem is None, f"app {index + 1} cannot store an author: {problem}")
    for index, (name, uri, kept) in enumerate(zip(names, found["uris"], found["names"],
                                                  strict=True)):  # fmt: skip
        expect_equal(
            kept,
            [name],
            f"the authors in {uri} once app {index + 1} has stored Author(name={name!r}) and "
            "the other app another",
            fix="db.init_app(app) reads SQLALCHEMY_DATABASE_URI when it is called: call it in "
            "create_app after the test config is applied, never SQLAlchemy(app) at import",
        )


# migrations


@pytest.mark.task("migrations")
def test_flask_migrate_is_bound(probe):
    names = probe.extensions()
    expect(
        "migrate" in names,
        f"the app's extensions are {names}, with no 'migrate', so `flask db` has no commands",
        fix="make migrate = Migrate() next to db, and call migrate.init_app(app, db) in "
        "create_app after db.init_app(app)",
    )


@pytest.mark.task("migrations")
@pytest.mark.fresh_app
def test_create_app_leaves_the_schema_to_migrations(probe):
    tables = probe.module(tables_of_a_new_app)
    expect(
        not tables,
        f"a new database has the tables {tables} as soon as create_app() has run: with "
        "Flask-Migrate, `flask db upgrade` makes the tables, and a db.create_all() at start-up "
        "makes them first, so `flask db migrate` finds nothing to write and a real database "
        "never gets its migration",
        fix="remove db.create_all() from create_app (and from any before_request): the tables "
        "come from the migration",
    )


# The env.py that `flask db init` writes (Flask-Migrate's, not the learner's) still calls
# db.get_engine(), which Flask-SQLAlchemy 3.1 warns about.
@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
@pytest.mark.task("migrations")
@pytest.mark.fresh_app
def test_migrations_make_the_tables(cli, client, probe, inputs):
    start_empty(probe, create=False)
    steps = [
        ("db", "init", "--directory", MIGRATIONS),
        ("db", "migrate", "--directory", MIGRATIONS, "-m", "authors and books"),
        ("db", "upgrade", "--directory", MIGRATIONS),
    ]
    for step in steps:
        result = cli.invoke(*step)
        problem = result.output.strip()[-400:] or "no output"
        if result.error is not None:
            problem = result.error.summary
        fix = None
        if "No such command 'db'" in result.output:
            fix = "bind Flask-Migrate in create_app: migrate.init_app(app, db)"
        expect(
            result.exit_code == 0 and result.error is None,
            f"{result.command_line} exited with {result.exit_code}: {problem}",
            fix=fix,
        )
        if step[1] == "migrate":
            expect(
                "No changes in schema detected" not in result.output,
                f"{result.command_line} found no changes, so the migration creates no tables",
                fix="remove db.create_all() from the app: the migration must create the tables",
            )
    found = probe(table_names)
    expect(
        set(found["models"]) <= set(found["tables"]),
        f"after `flask db upgrade` the database has the tables {found['tables']}, expected "
        f"the models' tables {found['models']} among them",
    )
    author = post_author(client, inputs.name(label="author"))
    post_book(client, author, a_title(inputs))
