from flask import Blueprint, Flask, Response, request

service = Blueprint("service", __name__)


@service.get("/greet")
def greet():
    who = request.args.get("name")
    return f"Hello, {who if who is not None else 'World'}!"


@service.get("/books")
def books():
    raw = request.args.get("page", "")
    return {"page": int(raw) if raw.isdecimal() else 1}


@service.post("/signup")
def signup():
    name, email = request.form["name"], request.form["email"]
    return Response(f"Thanks, {name}! Watch {email} for our letter.", status=201)


@service.post("/api/sum")
def api_sum():
    body = request.get_json(force=True)
    absent = [field for field in ("a", "b") if field not in body]
    if absent:
        return {"error": "missing field: " + absent[0]}, 400
    total = sum(body[field] for field in ("a", "b"))
    return {"sum": total}


@service.get("/maintenance")
def maintenance():
    return Response(
        "Back soon", status=503, headers=[("Retry-After", "120"), ("X-Workbook", "03")]
    )


app = Flask(__name__)
app.register_blueprint(service)
