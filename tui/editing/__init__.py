"""The writing side of the UI: forms, pickers, status changes, deletion, conflicts, undo and redo,
import and export, citations.

Every write follows the browser's threading rule (see :mod:`tui.app`): a modal screen collects
what the analyst typed, a thread worker calls the service API with plain arguments, and the
worker posts the outcome as a message. The screen says "saved" (or "deleted", "imported") only
when that message reports the commit; a failed write is explained in a dialog and the form
stays open with everything typed in it. Each modal returns a typed result
(:mod:`tui.editing.results`) to the screen that opened it, which then shows the record.

Nothing here is imported at start-up: the screens' editing keys
(:class:`tui.screens.editing.EditingScreen`) import each modal when a key asks for it, so this
package depends on no screen and no screen module is loaded by it.
"""
