"""The derived flags are those of open pledges: a delivered, withdrawn, broken or superseded
pledge is neither conditional, blocked nor unconditional, in the query language, the records,
the citation, the condition's groups and the impact of resolving a condition."""

from __future__ import annotations

import pytest

from db import vocab
from db.ledger import Ledger

FLAGS = ("conditional", "blocked", "unconditional")


def flagged(ledger: Ledger) -> dict[str, set[str]]:
    return {flag: set(ledger.matching_pledge_keys(f"is:{flag}")) for flag in FLAGS}


@pytest.mark.parametrize("status", sorted(vocab.CLOSED_PLEDGE_STATUSES))
def test_a_closed_pledge_has_no_flags(small: Ledger, status: str) -> None:
    assert "gbr-troops" in flagged(small)["conditional"]
    small.change_status("pledge", "gbr-troops", status, note="closed", effective="2026-02")
    for flag, keys in flagged(small).items():
        assert "gbr-troops" not in keys, flag
    # Negation is the exact complement: the closed pledge is "not conditional".
    assert "gbr-troops" in small.matching_pledge_keys("-is:conditional")
    row = small.pledge_rows(["gbr-troops"])[0]
    assert not row.is_open and not row.conditional and not row.blocked
    assert row.conditions.label == "2 pending"  # its conditions are still what they are
    detail = small.pledge("gbr-troops")
    assert not detail.conditional and not detail.blocked
    assert "conditional" not in small.citation("pledge", "gbr-troops")


def test_open_pledges_and_closed_ones_partition_the_ledger(small: Ledger) -> None:
    small.change_status("pledge", "gbr-troops", "superseded", note="replaced")
    small.change_status("condition", "commons-vote", "failed", note="vote lost")
    small.change_status("pledge", "usa-air-support", "withdrawn", note="retracted")
    keys = flagged(small)
    closed = set(small.matching_pledge_keys("status:" + ",".join(vocab.CLOSED_PLEDGE_STATUSES)))
    assert closed == {"gbr-troops", "usa-air-support"}
    everything = set(small.matching_pledge_keys())
    parts = [keys["conditional"], keys["blocked"], keys["unconditional"], closed]
    assert set().union(*parts) == everything
    assert sum(len(part) for part in parts) == len(everything)  # no pledge in two parts
    # gbr-troops hangs on the failed vote, but is closed: nothing is blocked.
    assert keys["blocked"] == set()
    assert small.count_pledges("is:blocked") == 0
    assert (
        small.facets("is:conditional").status
        == small.facets("key:" + ",".join(sorted(keys["conditional"]))).status
    )


def test_the_impact_of_resolving_a_condition_leaves_closed_pledges_apart(small: Ledger) -> None:
    small.change_status("pledge", "usa-air-support", "superseded", note="replaced")
    met = small.what_if("us-backstop", "met")
    assert [b.key for b in met.closed] == ["usa-air-support"]
    assert "usa-air-support" not in {b.key for b in met.changed + met.unchanged}
    failed = small.what_if("us-backstop", "failed")
    assert {b.key for b in failed.becomes_blocked} == {
        "deu-neighbouring-territory",
        "fra-reassurance-force",
    }
    assert [b.key for b in failed.closed] == ["usa-air-support"]


def test_a_condition_lists_its_closed_dependents_apart(small: Ledger) -> None:
    small.change_status("pledge", "usa-air-support", "delivered", note="done")
    detail = small.condition("us-backstop")
    assert [b.key for b in detail.closed] == ["usa-air-support"]
    assert detail.group_sizes["closed"] == 1
    grouped = detail.hinges_on_this + detail.also_held_by_others + detail.unconditional
    assert "usa-air-support" not in {b.key for b in grouped}


def test_pages_read_in_display_order_leave_closed_pledges_out(
    small: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The choice of reading a page in display order rests on an estimate that counts closed
    # pledges too; the rows read must not.
    from db import schemas

    small.save_records(
        [
            schemas.Pledge(
                key=f"plain-{i:02d}",
                title="Plain pledge",
                pledger="FRA",
                status="delivered" if i % 2 else "committed",
            )
            for i in range(20)
        ],
        label="plain pledges",
    )
    monkeypatch.setattr("db.planning.PROBE_ABOVE", 0)
    listed: list[str] = []
    page = small.pledge_page("is:unconditional", limit=2)
    listed += [r.key for r in page.rows]
    while page.more:
        page = small.pledge_page("is:unconditional", limit=2, after=page.rows[-1].cursor)
        listed += [r.key for r in page.rows]
    assert listed == small.matching_pledge_keys("is:unconditional")
    assert len(listed) == 11 and not any(
        small.pledge_rows([k])[0].status == "delivered" for k in listed
    )
