"""Use cases: every change to the store goes through an operation here and returns a change set."""
