"""Qt models, one per table or list, each refreshed from change sets by id."""
