"""Tests of the store against real SQLite files and a throwaway PostgreSQL."""
