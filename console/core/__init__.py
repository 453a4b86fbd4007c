"""Pure domain rules: no Qt, no SQLAlchemy, no media libraries."""
