"""The shared store: SQLAlchemy models, engine setup, repositories and the change feed."""
