"""Tests of the pure domain rules: no Qt, no database."""
