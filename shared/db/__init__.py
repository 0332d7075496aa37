"""Database helpers: engines for SQLite (default) and PostgreSQL, and Alembic migrations."""
