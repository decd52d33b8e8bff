"""The tests, laid out as the code is: ``db/``, ``interchange/``, ``cli/``, ``tui/``,
``reliability/``, with the helpers they share in ``support/``.

Every folder of tests is a package, so that pytest imports each test module by its dotted
name (``tests.db.test_history``): two modules may share a base name, and no folder of tests
can stand in for the ``db`` or ``tui`` package it is named after.
"""
