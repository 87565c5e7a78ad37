from flask import Flask, abort, jsonify, make_response, request
from flask.views import MethodView

app = Flask(__name__)


class Greet(MethodView):
    def get(self):
        name = request.args["name"] if "name" in request.args else "World"
        return f"Hello, {name}!"


class Books(MethodView):
    def get(self):
        try:
            page = int(request.args["page"])
        except (KeyError, ValueError):
            page = 1
        return {"page": page}


class Signup(MethodView):
    def post(self):
        form = request.form
        return make_response(f"{form['name']} <{form['email']}> is signed up.", 201)


def missing(field):
    abort(make_response(jsonify({"error": f"the field '{field}' is required"}), 400))


class Sum(MethodView):
    def post(self):
        numbers = request.get_json()
        for field in ("a", "b"):
            if field not in numbers:
                missing(field)
        return {"sum": numbers["a"] + numbers["b"]}


app.add_url_rule("/greet", view_func=Greet.as_view("greet"))
app.add_url_rule("/books", view_func=Books.as_view("books"))
app.add_url_rule("/signup", view_func=Signup.as_view("signup"))
app.add_url_rule("/api/sum", view_func=Sum.as_view("sum"))


@app.get("/maintenance")
def maintenance():
    response = make_response()
    response.set_data("Back soon")
    response.status_code = 503
    response.headers.update({"Retry-After": 120, "X-Workbook": "03"})
    return response
