"""Tests of the command line (``tui/cli*.py``) as a user meets it: ``pledges`` commands run
in real processes or through Click, their output, exit codes and the files they write."""
