"""Pure rules of the trade. Nothing in this package imports Litestar or SQLAlchemy."""
