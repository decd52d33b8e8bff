"""Tests of import and export of fixture files (YAML, JSON, CSV): the readers, the checks,
keeping what a file does not give, exports, round trips, truncated copies, and the corpus of
bad files in ``bad_fixtures/``."""
