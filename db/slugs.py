"""Keys made from titles: the key a new pledge, condition or source is offered.

A key is 1-64 characters a-z, 0-9 or ``-``, starting with a letter or digit. A title becomes
one by its words: accents dropped (``Élysée`` -> ``elysee``), everything that is not a letter
or a digit a hyphen, cut after a whole word so that a number (``-2``, ``-3``) still fits when
the key is taken. A title with no such letters (Chinese, Arabic) gives no key: nothing is
offered rather than a transliteration nobody asked for.

Actors are not offered codes: a code is a convention (ISO alpha-3 for states, ``NATO``), which
an initialism of the name would often get wrong (``United Kingdom`` is ``GBR``, not ``UK``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Final

#: The longest key (the schemas' rule).
KEY_LENGTH: Final = 64
#: A key made from a title stops here, to leave room for ``-99``.
SLUG_LENGTH: Final = KEY_LENGTH - 4
_NOT_KEY: Final = re.compile(r"[^a-z0-9]+")


def key_from_title(title: str) -> str:
    """The key a title suggests, or ``""`` when it has no letter or digit a key can take."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    slug = _NOT_KEY.sub("-", plain).strip("-")
    if len(slug) <= SLUG_LENGTH:
        return slug
    cut = slug.rfind("-", 0, SLUG_LENGTH + 1)
    return slug[:cut] if cut > 0 else slug[:SLUG_LENGTH]


def numbered(key: str) -> Iterator[str]:
    """``key``, then ``key-2``, ``key-3``, ...: the candidates until one is free."""
    yield key
    number = 2
    while True:
        suffix = f"-{number}"
        yield key[: KEY_LENGTH - len(suffix)].rstrip("-") + suffix
        number += 1
