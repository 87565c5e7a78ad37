"""Checks for module 13: Validation and serialization.

Every check sends requests to the expenses API and reads the answers: what a valid expense is
answered with, and which fields a 422 names. Each check stores expenses, so each gets an app of
its own (fresh_app): the ids it sees do not depend on the checks before it. The bodies are drawn afresh each run, with the edge
values the brief talks about (an amount of 0, a negative one, one with too many decimal places, a
leap day, a day that does not exist, an empty description).
"""

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime

import pytest

from checker.api import expect, expect_equal, expect_status

PATHS = {"v1": "/api/v1/expenses", "v2": "/api/v2/expenses"}
LIBRARY = {"v1": "Marshmallow", "v2": "Pydantic"}
MISSING = {"v1": "Missing data for required field.", "v2": "Field required"}
UNKNOWN = {"v1": "Unknown field.", "v2": "Extra inputs are not permitted"}
FIELDS = ("description", "amount", "spent_on")
SENT_BACK = {"id", "description", "amount", "spent_on", "created_at"}
PLAIN_DECIMAL = re.compile(r"^\d+(\.\d+)?$")
NOT_LEAP_YEARS = [year for year in range(1990, 2040) if year % 4]
HANDLER = {
    "v1": "register @app.errorhandler(ValidationError) in create_app, answering "
    "{'errors': error.messages} with status 422",
    "v2": "register @app.errorhandler(PydanticError) in create_app, answering "
    "{'errors': pydantic_messages(error)} with status 422",
}
# Each rule of the brief: what a body that breaks it does wrong, and where the rule goes in v1
# (Marshmallow) and v2 (Pydantic). A fix that names the rule is given only when the app is seen
# to validate (it refused {}), so that it broke this rule, not all of them.
RULES = {
    "required": (
        "description, amount and spent_on are all required",
        {
            "v1": "required=True on each of the three fields",
            "v2": "give the three fields no default, so that Pydantic requires them",
        },
    ),
    "length": (
        "the description is 1 to 100 characters",
        {
            "v1": "description = fields.String(required=True, "
            "validate=validate.Length(min=1, max=100))",
            "v2": "description: str = Field(min_length=1, max_length=100)",
        },
    ),
    "text": (
        "the description is text",
        {
            "v1": "description = fields.String(...), which refuses a number",
            "v2": "description: str, which refuses a number",
        },
    ),
    "positive": (
        "the amount is more than 0",
        {
            "v1": "validate.Range(min=0, min_inclusive=False) on the amount (min_inclusive=False "
            "refuses 0 itself)",
            "v2": "amount: Decimal = Field(gt=0, decimal_places=2) (gt, not ge, refuses 0 itself)",
        },
    ),
    "places": (
        "the amount has at most two decimal places",
        {
            "v1": "a validator that refuses an amount with more than two places (raise "
            "ValidationError when amount.normalize().as_tuple().exponent < -2); "
            "fields.Decimal(places=2) rounds instead of refusing",
            "v2": "amount: Decimal = Field(gt=0, decimal_places=2), with nothing that rounds the "
            "amount before it is checked",
        },
    ),
    "number": (
        "the amount is a number",
        {
            "v1": "amount = fields.Decimal(...), which refuses text that is not a number",
            "v2": "amount: Decimal, which refuses text that is not a number",
        },
    ),
    "date": (
        "spent_on is a day that exists, written as ISO 8601 (YYYY-MM-DD)",
        {
            "v1": "spent_on = fields.Date(required=True), which parses the day (a String field "
            "takes any text)",
            "v2": "spent_on: date, which parses the day (str takes any text)",
        },
    ),
    "object": (
        "the body is one JSON object",
        {
            "v1": "ExpenseSchema().load(body) refuses a list by itself, under '_schema'",
            "v2": "NewExpense.model_validate(body) refuses a list by itself",
        },
    ),
}
VALIDATE = {
    "v1": "load the body with ExpenseSchema().load(request.get_json()) before storing it",
    "v2": "validate the body with NewExpense.model_validate(request.get_json()) before storing it",
}


# What the checks send.


def strip_text(response, size=300):
    """The start of a response's body, for a message: on one line, without the final newline."""
    return " ".join(response.text.split())[:size]


def error_fixes(response, version):
    """The fixes chosen from the exception a POST raised (``errors=`` of expect_status)."""
    found = {"ValidationError": HANDLER[version]}
    error = response.error
    if (
        error is not None
        and "unexpected keyword argument" in error.error_text
        and ("data_key" in error.error_text or "'partial'" in error.error_text)
    ):
        found["TypeError"] = (
            "Marshmallow calls a @validates method with keyword arguments too (data_key, and "
            "more in later versions): define it as def name(self, value, **kwargs)"
        )
    return found


def amount_text(inputs, label="amount"):
    """An amount as a string with two decimal places: '123.45'."""
    cents = inputs.integer(100, 999999, label=f"{label}, cents")
    return f"{cents // 100}.{cents % 100:02d}"


def large_amount(inputs, label="large amount"):
    """An amount of 18 significant digits, more than a float holds: '4172093318850417.63'.

    Its cents are never .00, .25, .50 or .75, which a float of that size could still keep."""
    whole = inputs.integer(10**15, 10**16 - 1, label=label)
    cents = inputs.choice([cents for cents in range(1, 100) if cents % 25], label=f"{label} cents")
    return f"{whole}.{cents:02d}"


# Days from 1990 to 2039, and now and then a leap day.
DAYS = [(date(1990, 1, 1) + timedelta(days=days)).isoformat() for days in range(18000)]
DAYS += ["2000-02-29", "2024-02-29", "2028-02-29"] * 60


def a_date(inputs, label="spent_on"):
    """A day that exists, as ISO 8601: now and then a leap day."""
    return inputs.choice(DAYS, label=label)


def a_description(inputs, label="description"):
    """Text that is often not ASCII: 'Zoë: vąkleto'."""
    return f"{inputs.name(label=label)}: {inputs.word(label=label, accents=True)}"


def expense(inputs, label="expense"):
    return {
        "description": a_description(inputs, f"{label} description"),
        "amount": amount_text(inputs, f"{label} amount"),
        "spent_on": a_date(inputs, f"{label} spent_on"),
    }


def unknown_name(inputs, label="unknown field"):
    while True:
        name = inputs.word(label=label)
        if name not in SENT_BACK:
            return name


def doing(version, body):
    return f"POST {PATHS[version]} with {body!r}"


# What the checks expect.


def expect_created(client, version, body):
    """POST ``body``; it must be stored (201) and answered as the expense, with its id."""
    response = client.post(PATHS[version], json=body)
    expect_status(response, 201, errors=error_fixes(response, version),
                  fixes={422: valid_but_refused(response, version, body)})  # fmt: skip
    answer = response.get_json()
    expect(
        isinstance(answer, dict),
        f"{doing(version, body)} answered {response.text[:200]!r}, expected the stored expense as "
        "a JSON object",
    )
    expect(
        isinstance(answer.get("id"), int) and not isinstance(answer.get("id"), bool),
        f"{doing(version, body)} answered {answer!r}, expected it with the id the server gave it "
        "(a whole number)",
    )
    expect_equal(
        answer.get("description"),
        body["description"],
        f"'description' in the answer to {doing(version, body)}",
    )
    return answer


def valid_but_refused(response, version, body):
    """The fix for a valid body answered 422: Pydantic's strict mode, or the fields' limits."""
    if version == "v2" and "Input should be an instance of" in response.text:
        return (
            "strict=True refuses the strings a JSON client must send for a Decimal and a date "
            "(JSON has neither): leave strict mode off, or allow strings for those fields"
        )
    amount = body.get("amount") if isinstance(body, dict) else None
    answer = response.get_json()
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if (
        isinstance(amount, str)
        and "." in amount
        and len(amount.partition(".")[2]) > 2
        and amount.endswith("0")
        and isinstance(errors, dict)
        and "amount" in errors
    ):
        return (
            f"{doing(version, body)} is valid: trailing zeros are not places, so {amount!r} "
            "has at most two; count them after normalize(), which drops trailing zeros "
            "(amount.normalize().as_tuple().exponent < -2 means more than two)"
        )
    return (
        f"{doing(version, body)} is valid: check the limits of your {LIBRARY[version]} fields "
        f"against the brief ({strip_text(response)})"
    )


def expect_errors(response, version, body, fields, messages=None, broken=None):
    """A 422 in the one error format, naming exactly ``fields``; ``messages`` by field, if any.

    ``broken`` is the rule of RULES the body breaks, when the app is known to validate: a body
    it stored then broke that rule, and the fix names it."""
    said = doing(version, body)
    stored = f"{said} is not valid and was stored: {VALIDATE[version]}"
    if response.status_code == 201 and broken is not None:
        why, where = RULES[broken]
        stored = f"the brief says {why}: {where[version]}"
        answer = response.get_json()
        sent = body.get("amount") if isinstance(body, dict) else None
        if broken == "places" and isinstance(answer, dict) and isinstance(sent, str):
            try:
                rounded = Decimal(str(answer.get("amount"))) == Decimal(sent).quantize(
                    Decimal("0.01")
                )
            except InvalidOperation:
                rounded = False
            if rounded:
                stored = (
                    f"the amount {sent!r} was rounded to {answer.get('amount')!r} and stored, "
                    f"but the brief refuses an amount with more than two places: {where[version]}"
                )
    fixes = {
        201: stored,
        400: "answer 422 Unprocessable Content: the body is JSON, but not a valid expense",
    }
    if response.status_code == 500 and response.error is None:
        fixes[500] = HANDLER[version]
    expect_status(response, 422, errors=error_fixes(response, version), fixes=fixes)
    answer = response.get_json()
    expect(
        isinstance(answer, dict) and list(answer) == ["errors"],
        f"{said} answered 422 with {strip_text(response)!r}, expected "
        "{'errors': {field: [message, ...]}} and nothing else",
        fix=HANDLER[version],
    )
    errors = answer["errors"]
    expect(
        isinstance(errors, dict),
        f"{said} answered 422 with 'errors' as {str(errors)[:300]}, expected an object "
        "{field: [message, ...]}",
        fix="Pydantic's error.errors() is a list: turn it into {field: [msg, ...]}, the field "
        "being str(item['loc'][0])"
        if version == "v2" and isinstance(errors, list)
        else None,
    )
    expect_equal(
        sorted(errors),
        sorted(fields),
        f"the fields named in the errors {said} answered ({errors!r})",
        fix="errors of the whole body (one that is not an object) go under '_schema'"
        if "_schema" in fields
        else None,
    )
    for field, said_there in errors.items():
        expect(
            isinstance(said_there, list)
            and said_there
            and all(isinstance(text, str) and text for text in said_there),
            f"{said} answered 422 with {said_there!r} for {field!r}, expected a list of messages",
            fix="each field's value is a list of strings, as Marshmallow's error.messages has",
        )
    for field, message in (messages or {}).items():
        expect(
            message in errors[field],
            f"{said} answered 422 with {errors[field]!r} for {field!r}, expected {LIBRARY[version]}'s "
            f"own message {message!r} among them",
            fix=f"pass {LIBRARY[version]}'s messages on as they are",
        )


def expect_amount(value, sent, where):
    expect(
        isinstance(value, str),
        f"{where} is {value!r} ({type(value).__name__}), expected the amount as a string "
        f"such as {str(sent)!r}",
        fix="a float cannot hold most amounts exactly: keep a Decimal and send it as a string "
        "(fields.Decimal(as_string=True); a Decimal field of the Pydantic model and "
        "model_dump(mode='json'))",
    )
    try:
        same = PLAIN_DECIMAL.match(value) is not None and Decimal(value) == Decimal(str(sent))
        floated = Decimal(value) == Decimal(repr(float(str(sent))))
    except (InvalidOperation, ValueError):
        same = floated = False
    expect(
        same,
        f"{where} is {value!r}, expected the amount {str(sent)!r}, exactly",
        fix="the amount went through a float, which keeps about 16 significant digits: keep it "
        "a Decimal from the request to the answer (fields.Decimal(as_string=True); amount: "
        "Decimal in the Pydantic models)"
        if floated
        else None,
    )


def parse_moment(value, lenient):
    """The date and time ``value`` names (ISO 8601; with ``lenient`` an HTTP date too), or None."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value) if lenient else None
    except (TypeError, ValueError):
        return None


def expect_moment(value, where, since, until, lenient=False):
    """An ISO 8601 date and time in UTC, between ``since`` and ``until``; with ``lenient``, in
    any format Flask may write. serialize checks the format and leaves the time zone to
    server-fields (lenient), which checks that it is UTC."""
    fix = "the server sets created_at to datetime.now(timezone.utc), sent as ISO 8601"
    moment = parse_moment(value, lenient)
    expect(
        moment is not None,
        f"{where} is {value!r}, expected a date and time in ISO 8601 ('2024-02-29T09:30:00+00:00')",
        fix=fix,
    )
    if not lenient and moment.tzinfo is None:
        return moment  # the time zone is the server-fields task's
    expect(
        moment.tzinfo is not None,
        f"{where} is a date and time with no time zone (nothing such as +00:00 or Z at its "
        "end): expected the time in UTC",
        fix="datetime.now(timezone.utc), not datetime.now() or datetime.utcnow()",
    )
    offset = moment.utcoffset()
    expect(
        not lenient or offset == timedelta(0),
        f"{where} is a time {offset} away from UTC (it ends {value[-6:]!r}): the brief asks for "
        "the time in UTC (+00:00)",
        fix="datetime.now(timezone.utc), not a time zone of your own or the machine's",
    )
    expect(
        since - timedelta(minutes=2) <= moment <= until + timedelta(minutes=2),
        f"{where} is {value!r}, expected the time the server stored it (about "
        f"{since.isoformat(timespec='seconds')})",
        fix=fix,
    )
    return moment


def expect_sent_back(answer, body, where, since, until):
    """``answer`` is the expense ``body`` as the brief sends one out."""
    expect_equal(sorted(answer), sorted(SENT_BACK), f"the fields of {where}")
    expect_equal(answer["description"], body["description"], f"'description' of {where}")
    expect_amount(answer["amount"], body["amount"], f"'amount' of {where}")
    expect_equal(
        answer["spent_on"],
        body["spent_on"],
        f"'spent_on' of {where}",
        fix="send dates as ISO 8601 ('2024-02-29'): schema.dump() or model_dump(mode='json'); "
        "Flask's own JSON writes a date as an HTTP date"
        if isinstance(answer["spent_on"], str) and answer["spent_on"].endswith("GMT")
        else None,
    )
    return expect_moment(answer["created_at"], f"'created_at' of {where}", since, until)


# marshmallow and pydantic: what each version accepts and refuses.


def too_many_places(inputs, places, label):
    """An amount with ``places`` decimal places, the last two of them not 0: '12.3457'."""
    cents = inputs.integer(100, 99999, label=label)
    tail, number = "", inputs.integer(0, 9 ** (places - 2) - 1, label=f"{label}, extra digits")
    for _ in range(places - 2):
        number, digit = divmod(number, 9)
        tail += str(digit + 1)
    return f"{cents // 100}.{cents % 100:02d}{tail}"


def refused_bodies(inputs):
    """(body, the fields its errors must name, the messages they must hold, the rule it breaks)
    for each bad body."""
    good = expense(inputs, "base")
    left_out = inputs.choice(FIELDS, label="left out")
    three = too_many_places(inputs, 3, "3-place amount")
    four = too_many_places(inputs, inputs.integer(4, 6, label="places"), "long amount")
    day = f"{inputs.choice(NOT_LEAP_YEARS, label='no 29 February in')}-02-29"
    return [
        ({}, set(FIELDS), {field: "missing" for field in FIELDS}, "required"),
        ({k: v for k, v in good.items() if k != left_out}, {left_out}, {left_out: "missing"},
         "required"),
        ({**good, "description": ""}, {"description"}, {}, "length"),
        ({**good, "description": "x" * 101}, {"description"}, {}, "length"),
        ({**good, "description": 42}, {"description"}, {}, "text"),
        ({**good, "amount": "0"}, {"amount"}, {}, "positive"),
        ({**good, "amount": 0}, {"amount"}, {}, "positive"),
        ({**good, "amount": f"-{good['amount']}"}, {"amount"}, {}, "positive"),
        ({**good, "amount": three}, {"amount"}, {}, "places"),
        ({**good, "amount": four}, {"amount"}, {}, "places"),
        ({**good, "amount": float(three)}, {"amount"}, {}, "places"),
        ({**good, "amount": good["description"]}, {"amount"}, {}, "number"),
        ({**good, "spent_on": day}, {"spent_on"}, {}, "date"),
        ({**good, "spent_on": "/".join(reversed(good["spent_on"].split("-")))}, {"spent_on"}, {},
         "date"),
        ({**good, "description": "", "amount": "-1.00"}, {"description", "amount"}, {},
         "positive"),
        ([good], {"_schema"}, {}, "object"),
    ]  # fmt: skip


def accepted_bodies(inputs):
    """Valid bodies at the brief's limits: the smallest amount, whole and JSON-number amounts,
    descriptions of 100 characters and of one, a leap day."""
    first = expense(inputs, "valid")
    whole = inputs.integer(1, 500, label="whole amount")
    return [
        first,
        {**first, "amount": "0.01", "spent_on": "2024-02-29"},
        # Trailing zeros do not count as places: 12.340 is 12.34 (as Pydantic counts them).
        {**first, "amount": f"{first['amount']}0"},
        {**first, "amount": whole},
        {**first, "amount": float(first["amount"])},
        {**first, "description": "é" * 100},
        {**first, "description": first["description"][0]},
    ]


def check_the_version(client, inputs, version):
    for body in accepted_bodies(inputs):
        expect_created(client, version, body)
    validates = False  # seen to refuse something: then a body it stores broke one rule
    for body, fields, messages, rule in refused_bodies(inputs):
        response = client.post(PATHS[version], json=body)
        wanted = {field: MISSING[version] for field, kind in messages.items() if kind == "missing"}
        expect_errors(response, version, body, fields, wanted, rule if validates else None)
        validates = True


@pytest.mark.task("marshmallow")
@pytest.mark.fresh_app
def test_v1_accepts_valid_expenses_and_answers_422_for_the_rest(client, inputs):
    check_the_version(client, inputs, "v1")


@pytest.mark.task("pydantic")
@pytest.mark.fresh_app
def test_v2_accepts_valid_expenses_and_answers_422_for_the_rest(client, inputs):
    check_the_version(client, inputs, "v2")


# serialize


@pytest.mark.task("serialize")
@pytest.mark.fresh_app
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_an_expense_is_sent_with_iso_dates_and_exact_amounts(client, inputs, version):
    first, second = expense(inputs, "first"), expense(inputs, "second")
    bodies = [
        {**first, "amount": float(first["amount"])},
        second,
        {**second, "amount": "0.10", "spent_on": "2024-02-29"},
        {**first, "amount": large_amount(inputs)},
    ]
    for body in bodies:
        since = datetime.now(timezone.utc)
        response = client.post(PATHS[version], json=body)
        until = datetime.now(timezone.utc)
        expect_status(response, 201, errors=error_fixes(response, version),
                      fixes={422: valid_but_refused(response, version, body)})  # fmt: skip
        answer = response.get_json()
        expect(
            isinstance(answer, dict) and isinstance(answer.get("id"), int),
            f"{doing(version, body)} answered {response.text[:200]!r}, expected the stored "
            "expense with its id",
        )
        made = expect_sent_back(answer, body, f"the answer to {doing(version, body)}", since, until)
        for other in PATHS:
            path = f"{PATHS[other]}/{answer['id']}"
            read = client.get(path)
            expect_status(read, 200)
            again = read.get_json()
            expect(isinstance(again, dict), f"GET {path} answered {read.text[:200]!r}")
            moment = expect_sent_back(
                again, body, f"GET {path} (stored by {doing(version, body)})", since, until
            )
            expect_equal(again["id"], answer["id"], f"'id' of GET {path}")
            expect(
                moment == made,
                f"'created_at' of GET {path} is {again['created_at']!r}, but the expense was "
                f"answered with {answer['created_at']!r} when it was stored",
                fix="keep created_at with the expense when it is stored, and send that",
            )


# unknown-fields


@pytest.mark.task("unknown-fields")
@pytest.mark.fresh_app
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_unknown_fields_are_refused_by_name(client, inputs, version):
    expect_created(client, version, expense(inputs))
    first, second = unknown_name(inputs), unknown_name(inputs, "second unknown field")
    base = expense(inputs, "typo")
    body = {**base, first: base["amount"]}
    fix = (
        "leave Marshmallow's unknown = RAISE as it is (no unknown = EXCLUDE or INCLUDE)"
        if version == "v1"
        else "model_config = ConfigDict(extra='forbid') in NewExpense"
    )
    response = client.post(PATHS[version], json=body)
    if response.status_code == 201:
        expect(
            False,
            f"{doing(version, body)} answered 201: the field {first!r}, which no expense has, "
            "was accepted",
            fix=fix,
        )
    expect_errors(response, version, body, {first}, {first: UNKNOWN[version]})
    body = {**base, first: True, second: [1, 2]}
    expect_errors(
        client.post(PATHS[version], json=body),
        version,
        body,
        {first, second},
        {first: UNKNOWN[version], second: UNKNOWN[version]},
    )
    body = {k: v for k, v in base.items() if k != "amount"}
    body[first] = "5.00"
    expect_errors(
        client.post(PATHS[version], json=body),
        version,
        body,
        {"amount", first},
        {"amount": MISSING[version], first: UNKNOWN[version]},
    )


# server-fields


def expect_refused(client, version, body, field):
    """``body`` carries ``field``, which only the server sets: it must be refused, naming it."""
    response = client.post(PATHS[version], json=body)
    said = doing(version, body)
    if response.status_code == 201:
        answer = response.get_json()
        given = answer.get(field) if isinstance(answer, dict) else None
        chose = given == body[field]
        expect(
            False,
            f"{said} answered 201 with {field} {given!r}: "
            + ("the client chose it" if chose else f"the {field} the client sent was ignored")
            + f", expected 422 naming {field!r}",
            fix=f"only the server sets {field}: make it dump_only in ExpenseSchema and leave it "
            "out of NewExpense, so that a client that sends it is refused"
            + (", and set it after the client's fields in store" if chose else ""),
        )
    expect_errors(response, version, body, {field})


@pytest.mark.task("server-fields")
@pytest.mark.fresh_app
def test_the_server_gives_ids_and_times_whatever_the_client_sends(client, inputs):
    order = inputs.shuffled(["v1", "v2", "v1", "v2"], label="versions")
    stored = 0
    for version in order:
        if inputs.integer(0, 1, label="a refused body first"):
            # A body the brief refuses stores nothing, so it takes no id (whether it is refused
            # is the marshmallow and pydantic tasks' business).
            response = client.post(PATHS[version], json={**expense(inputs, "refused"), "amount": 0})
            stored += response.status_code == 201
        since = datetime.now(timezone.utc)
        body = expense(inputs)
        answer = expect_created(client, version, body)
        until = datetime.now(timezone.utc)
        stored += 1
        expect_equal(
            answer["id"],
            stored,
            f"'id' of the answer to {doing(version, body)}, the expense number {stored} "
            "stored (ids count up from 1 across both versions, refused bodies stored nothing)",
        )
        expect_moment(
            answer.get("created_at"),
            f"'created_at' of the answer to {doing(version, body)}",
            since,
            until,
            lenient=True,
        )
    for version in inputs.shuffled(["v1", "v2"], label="versions"):
        claimed = inputs.integer(100, 9999, label="claimed id")
        body = {**expense(inputs, "claiming"), "id": claimed}
        expect_refused(client, version, body, "id")
        path = f"{PATHS[version]}/{claimed}"
        response = client.get(path)
        expect(
            response.status_code == 404,
            f"GET {path} answered {response.status_code} after {doing(version, body)}, "
            "expected 404: no expense should have the id the client chose",
        )
        body = {**expense(inputs, "backdated"), "created_at": "2001-01-01T00:00:00+00:00"}
        expect_refused(client, version, body, "created_at")
    body = expense(inputs, "last")
    answer = expect_created(client, "v1", body)
    expect_equal(answer["id"], stored + 1, f"'id' of the answer to {doing('v1', body)}")
