"""The coach's tables and the queries over them (SQLAlchemy Core, SQLite and PostgreSQL).
Migrations that create the tables live in ``services/coach/migrations``."""
