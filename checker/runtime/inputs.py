"""Inputs a check sends, drawn from a seeded generator, so an answer hard-coded for the example
in the brief fails, and the same seed always draws the same inputs.

Why not Hypothesis: it has no public way to draw one value from a strategy with a given seed
outside ``@given`` (``.example()`` is unseeded and meant for the console), and ``@given`` runs a
check many times, shrinks what fails and keeps a database of examples, all keyed by the test, not
by the learner. A grader needs the opposite: one reproducible draw per (seed, check), readable
values a learner can retype, and edge values chosen by the brief. So we use ``random.Random`` and
lists of edge values, and draw only through ``Random.random()``, whose sequence for an integer
seed Python keeps the same across versions.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Sequence
from typing import Any, TypeVar

T = TypeVar("T")

SEED_LIMIT = 10**9  # seeds are whole numbers below this, short enough to retype

# First names from many languages, half of them not ASCII; none is the brief's example.
NAMES = (
    "Zoë", "José", "Åsa", "Siobhán", "Łucja", "Dmitri", "Ngozi", "Chiara", "Thandiwe", "Mateus",
    "Jürgen", "Inés", "Kofi", "Björn", "Anaïs", "Oluwaseun", "Ravi", "Şebnem", "Hana", "Noé",
    "Priya", "Tomasz", "Émile", "Yusuf", "Aroha", "Mirela", "Kenji", "Dagný", "Farida", "Luca",
    "Čeněk", "Sigrún", "Tariq", "Beatriz", "Ilse", "Nikolaj", "Amara", "Øystein", "Rosa", "Jae",
)  # fmt: skip
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ACCENTED = "áéíóúàèäöüñçøå"
DOMAINS = ("example.com", "example.org", "example.net", "mail.example")


def new_seed() -> int:
    """A fresh seed for a run that was not given one."""
    return secrets.randbelow(SEED_LIMIT)


def derive(seed: int, *parts: str) -> int:
    """A seed below SEED_LIMIT from ``seed`` and ``parts``, the same on every machine (unlike
    ``hash()``, which Python salts per process)."""
    text = "\x1f".join([str(seed), *parts])
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % SEED_LIMIT


class Inputs:
    """What one check draws. ``seed`` is the run's (or, when graded, the learner's) seed; ``key``
    names the check, so each check draws its own values and adding a check changes no other's."""

    def __init__(self, seed: int, key: str) -> None:
        self.seed = seed
        self.key = key
        self._random = random.Random(derive(seed, key))
        self.drawn: list[tuple[str, Any]] = []  # (label, value), in the order drawn

    # The one source of randomness: Random.random(), stable across Python versions.

    def _below(self, count: int) -> int:
        return min(int(self._random.random() * count), count - 1)

    def _note(self, label: str, value: T) -> T:
        self.drawn.append((label, value))
        return value

    # What checks call.

    def integer(self, low: int, high: int, *, label: str = "", avoid: Sequence[int] = ()) -> int:
        """A whole number from ``low`` to ``high`` (both included), none of ``avoid``."""
        return self._note(label, self._integer(low, high, avoid))

    def integers(
        self, count: int, low: int, high: int, *, label: str = "", avoid: Sequence[int] = ()
    ) -> list[int]:
        """``count`` different whole numbers from ``low`` to ``high``, none of ``avoid``."""
        found: list[int] = []
        for _ in range(count):
            found.append(self._integer(low, high, [*avoid, *found]))
        return self._note(label, found)

    def _integer(self, low: int, high: int, avoid: Sequence[int]) -> int:
        allowed = high - low + 1 - sum(1 for value in set(avoid) if low <= value <= high)
        if allowed <= 0:
            raise ValueError(f"no whole number from {low} to {high} outside {list(avoid)}")
        while True:
            value = low + self._below(high - low + 1)
            if value not in avoid:
                return value

    def decimal(self, low: int, high: int, *, label: str = "") -> float:
        """A number from ``low`` to ``high`` with a fractional part of .25, .5 or .75: exact in
        binary, so a sum of two is what any correct code computes, and readable in a message."""
        whole = low + self._below(max(high - low, 1))
        return self._note(label, whole + (1 + self._below(3)) / 4)

    def choice(self, options: Sequence[T], *, label: str = "") -> T:
        """One of ``options``."""
        if not options:
            raise ValueError("choice() needs at least one option")
        return self._note(label, options[self._below(len(options))])

    def sample(self, options: Sequence[T], count: int, *, label: str = "") -> list[T]:
        """``count`` different items of ``options``, in drawn order."""
        pool = list(options)
        if count > len(pool):
            raise ValueError(f"cannot draw {count} of {len(pool)} options")
        found = [pool.pop(self._below(len(pool))) for _ in range(count)]
        return self._note(label, found)

    def shuffled(self, options: Sequence[T], *, label: str = "") -> list[T]:
        """All of ``options``, in drawn order."""
        return self.sample(options, len(options), label=label)

    def word(self, *, label: str = "", accents: bool = False) -> str:
        """A made-up lowercase word of 4 to 8 letters (some accented with ``accents``): a value
        no one can have guessed."""
        return self._note(label, self._word(accents))

    def name(self, *, label: str = "", avoid: Sequence[str] = ()) -> str:
        """A first name: from many languages, often not ASCII, or now and then a made-up one."""
        made_up = self._word(True).capitalize() if self._below(5) == 0 else ""
        pool = [name for name in NAMES if name not in avoid]
        if made_up or not pool:
            while not made_up or made_up in avoid:
                made_up = self._word(True).capitalize()
            return self._note(label, made_up)
        return self._note(label, pool[self._below(len(pool))])

    def email(self, name: str = "", *, label: str = "") -> str:
        """An address at an example domain, made from ``name`` when given."""
        local = "".join(char for char in name.lower() if char.isascii() and char.isalnum())
        local = (local or self._word(False)) + ("" if self._below(2) else str(self._below(100)))
        return self._note(label, f"{local}@{DOMAINS[self._below(len(DOMAINS))]}")

    def _word(self, accents: bool) -> str:
        letters = _LETTERS + (_ACCENTED if accents else "")
        size = 4 + self._below(5)
        return "".join(letters[self._below(len(letters))] for _ in range(size))

    def describe(self) -> str:
        """The values drawn, as a failure message shows them: ``name='Zoë', a=-3``."""
        return ", ".join(
            f"{label}={value!r}" if label else repr(value) for label, value in self.drawn
        )
