"""SQLAlchemy dialect ``postgresql+quietfetch``: PostgreSQL through pyodbc and
the quietfetch ODBC driver.

Installed as a distribution, the dialect registers itself through the
``sqlalchemy.dialects`` entry point. Without installing, call
:func:`register` once before ``create_engine()``.
"""

__version__ = "0.1.0"

DIALECT_NAME = "postgresql.quietfetch"


def register():
    """Make ``postgresql+quietfetch://`` URLs resolve to this package."""
    from sqlalchemy.dialects import registry

    registry.register(DIALECT_NAME, "quietfetch_sqlalchemy.dialect", "QuietfetchDialect")


def __getattr__(name):  # lazy: importing the package must not import SQLAlchemy
    if name == "QuietfetchDialect":
        from .dialect import QuietfetchDialect

        return QuietfetchDialect
    raise AttributeError(name)
