"""Tests of the store package: seeding, repositories and the change feed."""
