"""Module 13: Validation and serialization. A small expenses API."""

from datetime import date, datetime, timezone
from decimal import Decimal

from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider
from marshmallow import Schema, ValidationError, fields, validate
from pydantic import BaseModel, ConfigDict, condecimal, constr
from pydantic import ValidationError as PydanticError


class ISOJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with dates as ISO 8601 and Decimals as exact strings."""

    @staticmethod
    def default(o):
        if isinstance(o, (date, datetime)):
            return o.isoformat()
        if isinstance(o, Decimal):
            return str(o)
        return DefaultJSONProvider.default(o)


def cents_only(amount):
    if amount.normalize().as_tuple().exponent < -2:
        raise ValidationError("At most two decimal places.")


class ExpenseSchema(Schema):
    id = fields.Integer(dump_only=True)
    description = fields.String(required=True, validate=validate.Length(min=1, max=100))
    amount = fields.Decimal(
        required=True, validate=[validate.Range(min=0, min_inclusive=False), cents_only]
    )
    spent_on = fields.Date(required=True)
    created_at = fields.DateTime(dump_only=True)


class NewExpense(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: constr(min_length=1, max_length=100)
    amount: condecimal(gt=0, decimal_places=2)
    spent_on: date


class Expense(NewExpense):
    model_config = ConfigDict(extra="forbid")

    id: int
    created_at: datetime


def create_app(test_config=None):
    app = Flask(__name__)
    app.json = ISOJSONProvider(app)
    if test_config is not None:
        app.config.from_mapping(test_config)
    expenses = []
    schema = ExpenseSchema()

    def store(data):
        expense = dict(data, id=len(expenses) + 1, created_at=datetime.now(timezone.utc))
        expenses.append(expense)
        return expense

    def find(expense_id):
        if not 1 <= expense_id <= len(expenses):
            abort(404)
        return expenses[expense_id - 1]

    @app.errorhandler(ValidationError)
    def marshmallow_invalid(error):
        return {"errors": error.messages}, 422

    @app.errorhandler(PydanticError)
    def pydantic_invalid(error):
        errors = {}
        for item in error.errors(include_url=False):
            key = item["loc"][0] if item["loc"] else "_schema"
            errors.setdefault(str(key), []).append(item["msg"])
        return {"errors": errors}, 422

    @app.post("/api/v1/expenses")
    def create_v1():
        return schema.dump(store(schema.load(request.get_json()))), 201

    @app.get("/api/v1/expenses/<int:expense_id>")
    def read_v1(expense_id):
        return schema.dump(find(expense_id))

    @app.post("/api/v2/expenses")
    def create_v2():
        new = NewExpense.model_validate(request.get_json())
        return Expense(**store(new.model_dump())).model_dump(), 201

    @app.get("/api/v2/expenses/<int:expense_id>")
    def read_v2(expense_id):
        return Expense(**find(expense_id)).model_dump()

    return app
