"""Screens of the pledges browser: the five views, record screens and help."""
