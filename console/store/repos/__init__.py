"""Repositories: functions of a session that read or write one part of the store."""
