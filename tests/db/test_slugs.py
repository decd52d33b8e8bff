"""Keys made from titles: words joined by hyphens, accents dropped, cut after a whole word
with room for a number, and numbered when taken."""

from __future__ import annotations

import itertools

from db.schemas import Pledge
from db.slugs import KEY_LENGTH, key_from_title, numbered


def test_a_title_becomes_its_words_joined_by_hyphens() -> None:
    assert key_from_title("Deploy a reassurance force") == "deploy-a-reassurance-force"
    assert key_from_title("  U.S. support -- confirmed!  ") == "u-s-support-confirmed"
    assert key_from_title("£2.2bn UK loan (2025)") == "2-2bn-uk-loan-2025"


def test_accents_are_dropped_and_case_folded() -> None:
    assert key_from_title("Élysée: Straße für Kyjiw") == "elysee-strasse-fur-kyjiw"


def test_a_title_without_latin_letters_or_digits_suggests_nothing() -> None:
    assert key_from_title("乌克兰安全保障") == ""
    assert key_from_title("!!! ---") == ""


def test_a_long_title_is_cut_after_a_whole_word_with_room_for_a_number() -> None:
    title = "Paris Declaration on robust security guarantees for a solid and lasting peace"
    key = key_from_title(title)
    assert len(key) <= KEY_LENGTH - 4
    assert title.lower().replace(" ", "-").startswith(key)
    assert not key.endswith("-")
    assert key_from_title("x" * 100) == "x" * (KEY_LENGTH - 4)


def test_a_taken_key_is_numbered_and_every_candidate_is_a_valid_key() -> None:
    assert list(itertools.islice(numbered("ceasefire"), 3)) == [
        "ceasefire",
        "ceasefire-2",
        "ceasefire-3",
    ]
    long = "y" * KEY_LENGTH
    for candidate in itertools.islice(numbered(long), 120):
        Pledge(key=candidate, title="t", pledger="FRA")
        assert len(candidate) <= KEY_LENGTH
