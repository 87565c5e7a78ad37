import pytest

# Your tests of the to-do app. Run them with `python -m pytest todo/tests` from exercises/11;
# `pytest exercises/11` then checks which buggy versions of the app they catch.

# TODO(fixtures): test that the app runs in testing mode, that a new to-do is answered with
# 201 and can be read back, and that a deleted one is gone.

# TODO(parametrized): with @pytest.mark.parametrize, test the list's ?done= filter, titles at
# the edges of what is allowed, and setting done both ways with PATCH.

# TODO(cli): with app.test_cli_runner(), test `flask add TITLE` with and without --done, and
# that `flask init-db` empties the database.

# TODO(error-path): test the requests the app must refuse: bad titles (400), and ids that do
# not exist (404, with a JSON error).
