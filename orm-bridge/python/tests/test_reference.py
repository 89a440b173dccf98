"""The reference workload (DESIGN.md) through the ORM: ``select(Entry)`` over
some_entries (100,000 rows loaded by scripts/load-reference.sh)."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import func
from sqlalchemy import Integer
from sqlalchemy import select
from sqlalchemy import String
from sqlalchemy.orm import declarative_base
from sqlalchemy.orm import Session

REFERENCE_ROWS = 100_000

Base = declarative_base()


class Entry(Base):
    __tablename__ = "some_entries"
    id = Column(String, primary_key=True)  # a uuid4 as text
    created_date = Column(DateTime)
    some_random_number = Column(Integer)


@pytest.fixture(scope="module")
def reference_facts():
    """Count, sums and extremes of some_entries, read through psycopg2."""
    from conftest import admin_connection

    connection = admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('public.some_entries') IS NOT NULL")
            if not cursor.fetchone()[0]:
                pytest.fail("table some_entries is missing: run scripts/load-reference.sh "
                            "(scripts/test.sh does)", pytrace=False)
            cursor.execute("SELECT count(*), sum(some_random_number), min(created_date), "
                           "max(created_date), min(id), max(id) FROM some_entries")
            return cursor.fetchone()
    finally:
        connection.close()


def test_select_entry_returns_every_row_as_an_object(engine, reference_facts):
    count, total, first, last, min_id, max_id = reference_facts
    assert count == REFERENCE_ROWS, "some_entries must hold the 100,000 reference rows"
    with Session(engine, future=True) as session:
        entries = session.execute(select(Entry)).scalars().all()
        assert len(entries) == REFERENCE_ROWS
        assert all(type(e) is Entry for e in entries)
        assert len({e.id for e in entries}) == REFERENCE_ROWS
        assert sum(e.some_random_number for e in entries) == total
        dates = [e.created_date for e in entries]
        assert min(dates) == first and max(dates) == last
        assert all(isinstance(d, dt.datetime) and d.tzinfo is None for d in dates)
        assert min(e.id for e in entries) == min_id and max(e.id for e in entries) == max_id
        assert all(1 <= e.some_random_number <= 10_000 for e in entries)
        # keep 20,000 as the workload does; they stay usable after the query
        kept = entries[::5]
        assert len(kept) == 20_000
        assert uuid.UUID(kept[-1].id).version == 4


def test_filtered_query_with_a_parameter(engine, reference_facts):
    with Session(engine, future=True) as session:
        small = session.execute(
            select(func.count()).select_from(Entry).where(Entry.some_random_number <= 100)
        ).scalar()
        entries = session.execute(
            select(Entry).where(Entry.some_random_number <= 100)).scalars().all()
        assert len(entries) == small
        assert 0 < small < REFERENCE_ROWS
        one = session.get(Entry, entries[0].id)
        assert one is entries[0]  # identity map


def test_yield_per_reads_in_batches(engine, reference_facts):
    """yield_per / stream_results: SQLAlchemy reads with fetchmany() while
    the driver streams, so neither side holds the whole result."""
    with Session(engine, future=True) as session:
        result = session.execute(select(Entry).execution_options(yield_per=5000))
        sizes = [len(partition) for partition in result.partitions()]
    assert sum(sizes) == REFERENCE_ROWS
    assert max(sizes) == 5000 and len(sizes) == REFERENCE_ROWS // 5000
