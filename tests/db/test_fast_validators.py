"""The fast paths of the validators accept and refuse exactly what the plain rules say.

Keys, codes and slugs are checked with regular expressions, and clean text skips the cleaning
substitutions, because an import validates millions of values; these properties compare them
with the rules written out character by character.
"""

import re

from hypothesis import given
from hypothesis import strategies as st

from db import schemas
from db.text import clean_line


def is_code(text: str) -> bool:
    return 2 <= len(text) <= 16 and all(
        c.isascii() and (c.isupper() or c.isdigit() or c in "_-") for c in text
    )


def is_slug(text: str, extra: str) -> bool:
    return (
        1 <= len(text) <= 64
        and text[0].isascii()
        and (text[0].islower() or text[0].isdigit())
        and all(c.isascii() and (c.islower() or c.isdigit() or c in extra) for c in text)
    )


def slow_clean_line(value: str) -> str:
    value = re.sub(r"\r\n|[\r\n\v\f\u0085\u2028\u2029]", " ", value).replace("\t", " ")
    value = re.sub(r"[\x00-\x1f\x7f-\x9f]", "", value)
    return re.sub(r"[ \t]+", " ", value).strip()


keyish = st.text(alphabet=st.sampled_from("aZz09-_ .É\n\x00ß"), max_size=70) | st.text(max_size=20)


@given(keyish)
def test_codes_are_checked_as_written_in_the_rule(text: str) -> None:
    assert bool(schemas._CODE.fullmatch(text)) == is_code(text)


@given(keyish)
def test_keys_and_slugs_are_checked_as_written_in_the_rule(text: str) -> None:
    assert bool(schemas._KEY.fullmatch(text)) == is_slug(text, "-")
    assert bool(schemas._SLUG.fullmatch(text)) == is_slug(text, "-_")


@given(st.text(alphabet=st.sampled_from("ab \t\n\r\x1b\x85\u2028\u00a0\u3000é"), max_size=30))
def test_clean_line_fast_path_changes_nothing(text: str) -> None:
    assert clean_line(text) == slow_clean_line(text)
