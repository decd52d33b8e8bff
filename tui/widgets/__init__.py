"""Widgets of the pledges browser."""
