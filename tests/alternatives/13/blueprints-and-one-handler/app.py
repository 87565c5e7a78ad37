"""Module 13: Validation and serialization. A small expenses API."""

import itertools
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Annotated

import marshmallow
import pydantic
from flask import Blueprint, Flask, abort, current_app, request
from marshmallow import Schema, fields, validate


def two_places(amount):
    if -amount.normalize().as_tuple().exponent > 2:
        raise marshmallow.ValidationError("Only whole cents.")


class ExpenseSchema(Schema):
    id = fields.Integer(dump_only=True)
    description = fields.String(required=True, validate=validate.Length(min=1, max=100))
    amount = fields.Decimal(
        required=True,
        as_string=True,
        validate=validate.And(validate.Range(min=0, min_inclusive=False), two_places),
    )
    spent_on = fields.Date(required=True)
    created_at = fields.DateTime(dump_only=True)


Money = Annotated[Decimal, pydantic.Field(gt=0, decimal_places=2)]


class NewExpense(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    description: Annotated[str, pydantic.Field(min_length=1, max_length=100)]
    amount: Money
    spent_on: date


class ExpenseOut(NewExpense):
    id: int
    created_at: datetime


def invalid(error):
    """Both libraries' errors, in one format."""
    if isinstance(error, marshmallow.ValidationError):
        return {"errors": error.messages}, 422
    errors = {}
    for item in error.errors():
        where = str(item["loc"][0]) if item["loc"] else "_schema"
        errors[where] = [*errors.get(where, []), item["msg"]]
    return {"errors": errors}, 422


class Store:
    def __init__(self):
        self.expenses = {}
        self.ids = itertools.count(1)

    def add(self, data):
        expense = {**data, "id": next(self.ids), "created_at": datetime.now(timezone.utc)}
        self.expenses[expense["id"]] = expense
        return expense

    def get(self, expense_id):
        return self.expenses.get(expense_id) or abort(404)


def store():
    return current_app.extensions["expenses"]


v1 = Blueprint("v1", __name__, url_prefix="/api/v1")
v2 = Blueprint("v2", __name__, url_prefix="/api/v2")
schema = ExpenseSchema()


@v1.route("/expenses", methods=["POST"])
def create_v1():
    return schema.dump(store().add(schema.load(request.get_json()))), 201


@v1.route("/expenses/<int:expense_id>")
def read_v1(expense_id):
    return schema.dump(store().get(expense_id))


def dump_v2(expense):
    return ExpenseOut.model_validate(expense).model_dump(mode="json")


@v2.route("/expenses", methods=["POST"])
def create_v2():
    new = NewExpense.model_validate_json(request.get_data())
    return dump_v2(store().add(new.model_dump())), 201


@v2.route("/expenses/<int:expense_id>")
def read_v2(expense_id):
    return dump_v2(store().get(expense_id))


def create_app(test_config=None):
    app = Flask(__name__)
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.extensions["expenses"] = Store()
    for blueprint in (v1, v2):
        app.register_blueprint(blueprint)
    for error in (marshmallow.ValidationError, pydantic.ValidationError):
        app.register_error_handler(error, invalid)
    return app
