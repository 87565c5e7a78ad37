# Tests nothing about the app: it only notices how the checks run pytest.
def test_the_app_answers(client, request):
    assert client.get("/todos").status_code == 200
    assert not request.config.getoption("maxfail")
