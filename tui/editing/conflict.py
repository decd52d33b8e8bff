"""A save refused because the record changed since the form opened: yours and theirs, field by
field, and the analyst decides. Nothing is overwritten, or kept, without being shown here.

``r`` reloads theirs into the form (your changes, shown here, are dropped); ``o`` saves yours
over theirs knowingly (a new save against their version, so a third change would be caught
again); ``escape`` goes back to the form with your changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from db.errors import ConflictError

from .. import keys, render
from ..widgets.key_footer import KeyFooter
from .dialogs import Dialog


def _shown(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "(empty)"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def differences(
    mine: Mapping[str, Any], theirs: Mapping[str, Any], original: Mapping[str, Any]
) -> list[tuple[str, Any, Any, str]]:
    """``(field, yours, theirs, who changed it)`` for every field where the two differ."""
    rows = []
    for name in mine:
        yours, stored = mine.get(name), theirs.get(name)
        if _shown(yours) == _shown(stored):
            continue
        before = original.get(name)
        you = _shown(yours) != _shown(before)
        they = _shown(stored) != _shown(before)
        who = "both changed it" if you and they else "you changed it" if you else "they changed it"
        rows.append((name, yours, stored, who))
    return rows


class ConflictScreen(Dialog[str | None]):
    BINDINGS: ClassVar = [
        keys.binding("form.reload"),
        keys.binding("form.overwrite"),
        keys.binding("form.cancel"),
    ]
    DEFAULT_CSS = """
    ConflictScreen > .dialog { border: round $warning; height: 90%; }
    ConflictScreen #conflict-fields { height: 1fr; }
    ConflictScreen .conflict-field { margin-top: 1; }
    """

    def __init__(
        self, error: ConflictError, *, mine: Mapping[str, Any], original: Mapping[str, Any]
    ) -> None:
        super().__init__()
        self.error = error
        self.mine = dict(mine)
        self.original = dict(original)

    @property
    def deleted(self) -> bool:
        return self.error.theirs is None

    def compose(self) -> ComposeResult:
        error = self.error
        name = f"{error.record_type} {error.key}"
        with Vertical(classes="dialog"):
            yield Static(render.plain(f"Conflict: {name} changed"), classes="dialog-title")
            if self.deleted:
                yield Static(
                    render.assemble(
                        (name, render.KEY_STYLE),
                        render.ui(
                            " was deleted by someone else since you opened the form. Nothing "
                            "was saved.\n\no creates it again with your values; escape goes "
                            "back to the form."
                        ),
                    )
                )
            else:
                rows = differences(self.mine, dict(error.theirs or {}), self.original)
                yield Static(
                    render.assemble(
                        render.ui("Someone else saved "),
                        (name, render.KEY_STYLE),
                        render.ui(
                            f" (version {error.expected} \u2192 {error.actual}) since you opened "
                            f"the form. Nothing was saved. {len(rows)} field"
                            f"{'s differ' if len(rows) != 1 else ' differs'}:"
                        ),
                    )
                )
                with VerticalScroll(id="conflict-fields"):
                    for field, yours, theirs, who in rows:
                        yield Static(
                            render.assemble(
                                (field, "bold"),
                                (f"  ({who})", render.MUTED),
                                render.ui("\n  yours:  ", "$text-success"),
                                render.paragraph(_shown(yours)),
                                render.ui("\n  theirs: ", "$text-warning"),
                                render.paragraph(_shown(theirs)),
                            ),
                            classes="conflict-field",
                        )
                yield Static(
                    render.ui(
                        "r reloads theirs into the form (your changes above are dropped) \u00b7 "
                        "o saves yours over theirs \u00b7 escape goes back to your form"
                    ),
                    classes="dialog-note",
                )
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reload_theirs":
            return not self.deleted
        return True

    def action_reload_theirs(self) -> None:
        self.dismiss("reload")

    def action_overwrite(self) -> None:
        self.dismiss("overwrite")

    def action_cancel(self) -> None:
        self.dismiss(None)
