import os
import shutil
import tempfile
import unittest

from todo import create_app
from todo.db import init_db


class AppTestCase(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp()
        self.app = create_app(
            {"TESTING": True, "DATABASE": os.path.join(self.folder, "todo.sqlite")}
        )
        with self.app.app_context():
            init_db()
        self.client = self.app.test_client()
        self.runner = self.app.test_cli_runner()

    def tearDown(self):
        shutil.rmtree(self.folder)

    def titles(self, query=""):
        return [todo["title"] for todo in self.client.get("/todos" + query).get_json()]


class TestTodos(AppTestCase):
    def test_testing_mode(self):
        self.assertTrue(self.app.testing)

    def test_create_and_read(self):
        response = self.client.post("/todos", json={"title": "tea"})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(
            self.client.get("/todos/1").get_json(), {"id": 1, "title": "tea", "done": False}
        )

    def test_delete(self):
        self.client.post("/todos", json={"title": "tea"})
        self.assertEqual(self.client.delete("/todos/1").status_code, 204)
        self.assertEqual(self.titles(), [])

    def test_filter(self):
        self.client.post("/todos", json={"title": "a"})
        self.client.post("/todos", json={"title": "b", "done": True})
        for query, expected in [("", ["a", "b"]), ("?done=true", ["b"]), ("?done=false", ["a"])]:
            with self.subTest(query=query):
                self.assertEqual(self.titles(query), expected)

    def test_titles(self):
        for sent, kept in [(" tea ", "tea"), ("y" * 100, "y" * 100)]:
            with self.subTest(sent=sent):
                self.assertEqual(self.client.post("/todos", json={"title": sent}).get_json()["title"], kept)

    def test_patch_both_ways(self):
        self.client.post("/todos", json={"title": "tea"})
        for done in (True, False, True):
            self.client.patch("/todos/1", json={"done": done})
            self.assertIs(self.client.get("/todos/1").get_json()["done"], done)


class TestCommands(AppTestCase):
    def test_add(self):
        self.runner.invoke(args=["add", "tea"])
        self.runner.invoke(args=["add", "milk", "--done"])
        self.assertEqual(
            self.client.get("/todos").get_json(),
            [{"id": 1, "title": "tea", "done": False}, {"id": 2, "title": "milk", "done": True}],
        )

    def test_init_db(self):
        self.runner.invoke(args=["add", "tea"])
        result = self.runner.invoke(args=["init-db"])
        self.assertEqual(result.exit_code, 0)
        self.assertEqual(self.titles(), [])


class TestErrors(AppTestCase):
    def test_bad_titles(self):
        for body in ({}, {"title": ""}, {"title": " \t "}, {"title": 7}, {"title": "z" * 101}):
            with self.subTest(body=body):
                self.assertEqual(self.client.post("/todos", json=body).status_code, 400)

    def test_unknown_ids(self):
        for method in ("GET", "PATCH", "DELETE"):
            with self.subTest(method=method):
                response = self.client.open("/todos/5", method=method, json={"title": "x"})
                self.assertEqual(response.status_code, 404)
                self.assertIn("error", response.get_json())
