"""Module 13: Validation and serialization. A small expenses API.

Check your work with `pytest exercises/13` or `workbook check 13`.
"""

from datetime import date, datetime, timezone
from decimal import Decimal

from flask import Flask, abort, request
from marshmallow import Schema, ValidationError, fields, validate
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

# TODO(marshmallow): write class ExpenseSchema(Schema) with id (an Integer, dump_only),
# description (a String, required, 1 to 100 characters), amount (a Decimal, required, more
# than 0, at most two decimal places: write a small validator for that, which raises
# ValidationError), spent_on (a Date, required) and created_at (a DateTime, dump_only).

# TODO(pydantic): write class NewExpense(BaseModel), what POST /api/v2/expenses accepts:
# description (str, 1 to 100 characters), amount (Decimal, more than 0, at most two decimal
# places) and spent_on (date), with Field(...) for the limits.

# TODO(unknown-fields): refuse fields nobody asked for. Marshmallow refuses them unless told
# otherwise; NewExpense needs model_config = ConfigDict(extra="forbid").

# TODO(serialize): write class ExpenseOut(BaseModel) with id, description, amount, spent_on
# and created_at, to send an expense from the v2 views with .model_dump(mode="json").

# TODO(pydantic): write pydantic_messages(error), which turns error.errors() (a list of dicts
# with "loc" and "msg") into {field: [msg, ...]}, with "_schema" for an error of the whole body.


def create_app(test_config=None):
    app = Flask(__name__)
    if test_config is not None:
        app.config.from_mapping(test_config)
    expenses = {}

    def store(data):
        """Keep a valid expense, with the fields only the server sets."""
        # TODO(server-fields): only the server sets id and created_at, but here the client's
        # fields come last and win. Never let what the client sent set them.
        expense = {"id": len(expenses) + 1, "created_at": datetime.now(timezone.utc), **data}
        expenses[expense["id"]] = expense
        return expense

    def find(expense_id):
        if expense_id not in expenses:
            abort(404)
        return expenses[expense_id]

    # TODO(marshmallow): @app.errorhandler(ValidationError): answer {"errors": error.messages}
    # with status 422.

    # TODO(pydantic): @app.errorhandler(PydanticError): answer
    # {"errors": pydantic_messages(error)} with status 422.

    @app.post("/api/v1/expenses")
    def create_v1():
        # TODO(marshmallow): load the body with ExpenseSchema().load(...) before storing it.
        # TODO(serialize): answer the stored expense dumped by the schema, with status 201.
        data = request.get_json()
        return store(data), 201

    @app.get("/api/v1/expenses/<int:expense_id>")
    def read_v1(expense_id):
        # TODO(serialize): answer the expense dumped by ExpenseSchema.
        return find(expense_id)

    @app.post("/api/v2/expenses")
    def create_v2():
        # TODO(pydantic): validate the body with NewExpense.model_validate(...) and store
        # its .model_dump().
        # TODO(serialize): answer ExpenseOut.model_validate(expense).model_dump(mode="json").
        data = request.get_json()
        return store(data), 201

    @app.get("/api/v2/expenses/<int:expense_id>")
    def read_v2(expense_id):
        # TODO(serialize): answer the expense as ExpenseOut dumps it in JSON mode.
        return find(expense_id)

    return app
