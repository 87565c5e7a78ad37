"""Module 03: Request and response.

Build a small signup service that reads what the client sends (query
arguments, form fields, JSON) and answers with the right status code and
headers. Check your work with `pytest exercises/03` or `workbook check 03`.
"""

from flask import Flask, make_response, request

app = Flask(__name__)


# TODO(query-args): add GET /greet that reads ?name= from the query string and
# returns "Hello, <name>!", or "Hello, World!" when no name is given.


# TODO(page-number): add GET /books that reads ?page= as a whole number
# (1 when it is missing or not a whole number, like "two" or "2.5") and returns
# the JSON {"page": <page>}.


# TODO(form-data): add POST /signup that reads the form fields name and email and
# answers 201 with a text that includes both, like
# "Thanks for signing up, Ada! We will write to ada@example.com."


# TODO(json-body): add POST /api/sum that reads a JSON body like {"a": 2, "b": 3}
# and returns the JSON {"sum": 5}.


# TODO(missing-input): when /api/sum gets a body without "a" or "b", answer 400
# with a JSON error that names the field, like {"error": "missing field: b"}.
# A /signup without an email should answer 400 too (never 500).


# TODO(status-and-headers): add GET /maintenance that uses make_response to answer
# 503 with the text "Back soon" and the headers Retry-After: 120 and X-Workbook: 03.
