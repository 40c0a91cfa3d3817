"""Persistence: SQLAlchemy models, engine and session handling."""
