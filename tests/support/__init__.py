"""Pytest plugins and helpers shared by the test suite (no tests of the app itself)."""
