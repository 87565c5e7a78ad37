"""Notebooks and nbgrader: checking from Jupyter, nbgrader's test cells, and the nbgrader export.

The public entry points keep their short names: ``checker.notebook`` (``check()`` and the
``%check`` magic) and ``checker.nbgrader`` (``check_task``, which exported notebooks call).
"""
