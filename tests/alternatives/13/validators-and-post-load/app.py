"""Module 13: Validation and serialization. A small expenses API."""

from datetime import date, datetime, timezone
from decimal import Decimal

from flask import Flask, abort, jsonify, request
from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates
from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator
from pydantic import ValidationError as PydanticError


class ExpenseSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.Integer(dump_only=True)
    description = fields.String(required=True, validate=validate.Length(min=1, max=100))
    amount = fields.Decimal(required=True, as_string=True)
    spent_on = fields.Date(required=True)
    created_at = fields.DateTime(dump_only=True)

    @validates("amount")
    def check_amount(self, value, **kwargs):
        if value <= 0:
            raise ValidationError("The amount must be more than 0.")
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError("No more than two decimal places, please.")

    @post_load
    def as_expense(self, data, **kwargs):
        return dict(data)


class NewExpense(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1, max_length=100)
    amount: Decimal
    spent_on: date

    @field_validator("amount")
    @classmethod
    def check_amount(cls, value):
        if not value > 0:
            raise ValueError("the amount must be more than 0")
        if value != value.quantize(Decimal("0.01")):
            raise ValueError("no more than two decimal places")
        return value


class ExpenseOut(BaseModel):
    id: int
    description: str
    amount: Decimal
    spent_on: date
    created_at: datetime

    @field_serializer("amount")
    def amount_as_text(self, value):
        return str(value)


def create_app(test_config=None):
    app = Flask(__name__)
    if test_config is not None:
        app.config.from_mapping(test_config)
    expenses = {}
    schema = ExpenseSchema()

    def store(data):
        expense = {**data, "id": len(expenses) + 1, "created_at": datetime.now(timezone.utc)}
        expenses[expense["id"]] = expense
        return expense

    def find(expense_id):
        if expense_id not in expenses:
            abort(404)
        return expenses[expense_id]

    @app.errorhandler(ValidationError)
    def marshmallow_invalid(error):
        return jsonify(errors=error.messages), 422

    @app.errorhandler(PydanticError)
    def pydantic_invalid(error):
        errors = {}
        for item in error.errors():
            name = ".".join(str(part) for part in item["loc"]) or "_schema"
            errors.setdefault(name, []).append(item["msg"])
        return jsonify(errors=errors), 422

    @app.post("/api/v1/expenses")
    def create_v1():
        return jsonify(schema.dump(store(schema.load(request.get_json())))), 201

    @app.get("/api/v1/expenses/<int:expense_id>")
    def read_v1(expense_id):
        return jsonify(schema.dump(find(expense_id)))

    @app.post("/api/v2/expenses")
    def create_v2():
        new = NewExpense.model_validate(request.get_json())
        out = ExpenseOut.model_validate(store(new.model_dump()))
        return jsonify(out.model_dump(mode="json")), 201

    @app.get("/api/v2/expenses/<int:expense_id>")
    def read_v2(expense_id):
        return jsonify(ExpenseOut.model_validate(find(expense_id)).model_dump(mode="json"))

    return app
