"""Module 13: Validation and serialization. A small expenses API."""

from datetime import date, datetime, timezone
from decimal import Decimal

from flask import Flask, abort, request
from marshmallow import Schema, ValidationError, fields, validate, validates
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError




class ExpenseSchema(Schema):
    """Marshmallow: what POST /api/v1/expenses accepts (load) and how an expense is sent (dump)."""

    id = fields.Integer(dump_only=True)
    description = fields.String(required=True, validate=validate.Length(min=1, max=100))
    amount = fields.Decimal(
        required=True,
        as_string=True,
        validate=validate.Range(min=0, min_inclusive=False),
    )
    spent_on = fields.Date(required=True)
    created_at = fields.DateTime(dump_only=True)

    @validates("amount")
    def at_most_two_places(self, amount):
        if amount.normalize().as_tuple().exponent < -2:
            raise ValidationError("Use at most two decimal places.")


class NewExpense(BaseModel):
    """Pydantic: what POST /api/v2/expenses accepts."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1, max_length=100)
    amount: Decimal = Field(gt=0, decimal_places=2)
    spent_on: date


class ExpenseOut(BaseModel):
    """Pydantic: how an expense is sent, with the fields the server sets."""

    id: int
    description: str
    amount: Decimal
    spent_on: date
    created_at: datetime


def pydantic_messages(error):
    """Pydantic's list of errors as Marshmallow's shape: {field: [message, ...]}."""
    messages = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "_schema"
        messages.setdefault(field, []).append(item["msg"])
    return messages


def create_app(test_config=None):
    app = Flask(__name__)
    if test_config is not None:
        app.config.from_mapping(test_config)
    expenses = {}
    schema = ExpenseSchema()

    def store(data):
        """Keep a valid expense, with the fields only the server sets."""
        expense = {**data, "id": len(expenses) + 1, "created_at": datetime.now(timezone.utc)}
        expenses[expense["id"]] = expense
        return expense

    def find(expense_id):
        if expense_id not in expenses:
            abort(404)
        return expenses[expense_id]

    @app.errorhandler(ValidationError)
    def marshmallow_invalid(error):
        return {"errors": error.messages}, 422

    @app.errorhandler(PydanticError)
    def pydantic_invalid(error):
        return {"errors": pydantic_messages(error)}, 422

    @app.post("/api/v1/expenses")
    def create_v1():
        data = schema.load(request.get_json())
        return schema.dump(store(data)), 201

    @app.get("/api/v1/expenses/<int:expense_id>")
    def read_v1(expense_id):
        return schema.dump(find(expense_id))

    @app.post("/api/v2/expenses")
    def create_v2():
        new = NewExpense.model_validate(request.get_json())
        expense = store(new.model_dump())
        return ExpenseOut.model_validate(expense).model_dump(mode="json"), 201

    @app.get("/api/v2/expenses/<int:expense_id>")
    def read_v2(expense_id):
        return ExpenseOut.model_validate(find(expense_id)).model_dump(mode="json")

    return app
