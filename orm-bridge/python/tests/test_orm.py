"""The ORM over the dialect: a declarative model with a relationship, CRUD,
joins and eager loading, RETURNING for generated keys, server defaults and
stale-row detection."""

import datetime as dt

import pytest
from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import exc
from sqlalchemy import ForeignKey
from sqlalchemy import func
from sqlalchemy import Integer
from sqlalchemy import select
from sqlalchemy import String
from sqlalchemy import text
from sqlalchemy.orm import declarative_base
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import relationship
from sqlalchemy.orm import selectinload
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError


@pytest.fixture
def model(engine, names):
    """Author 1-n Book, with unique table names; created and dropped per test."""
    Base = declarative_base()
    authors, books = names.table("authors"), names.table("books")

    class Author(Base):
        __tablename__ = authors
        id = Column(Integer, primary_key=True)
        name = Column(String(100), nullable=False, unique=True)
        created = Column(DateTime, server_default=func.now())
        books = relationship("Book", back_populates="author", cascade="all, delete-orphan",
                             order_by="Book.id")

    class Book(Base):
        __tablename__ = books
        id = Column(Integer, primary_key=True)
        title = Column(String(200), nullable=False)
        pages = Column(Integer)
        author_id = Column(Integer, ForeignKey(f"{authors}.id"), nullable=False)
        author = relationship("Author", back_populates="books")

    Base.metadata.create_all(engine)

    class Model:
        pass

    m = Model()
    m.Author, m.Book, m.Base = Author, Book, Base
    return m


def add_library(engine, model):
    with Session(engine, future=True) as session:
        session.add_all(
            [
                model.Author(name="Le Guin", books=[
                    model.Book(title="The Dispossessed", pages=387),
                    model.Book(title="The Lathe of Heaven", pages=184),
                ]),
                model.Author(name="Lem", books=[model.Book(title="Solaris", pages=204)]),
                model.Author(name="Nobody"),
            ]
        )
        session.commit()


def test_insert_uses_returning_for_generated_keys(engine, model, statements):
    with Session(engine, future=True) as session:
        author = model.Author(name="Borges")
        session.add(author)
        session.flush()
        assert isinstance(author.id, int) and author.id > 0
        inserts = [s for s in statements if s.startswith("INSERT")]
        assert inserts and "RETURNING" in inserts[0]
        session.commit()
        assert session.get(model.Author, author.id).name == "Borges"


def test_create_query_update_delete(engine, model, admin):
    add_library(engine, model)
    with Session(engine, future=True) as session:
        lem = session.execute(select(model.Author).where(model.Author.name == "Lem")).scalar_one()
        assert [b.title for b in lem.books] == ["Solaris"]
        assert isinstance(lem.created, dt.datetime)

        lem.name = "Stanisław Lem"
        lem.books.append(model.Book(title="The Cyberiad", pages=295))
        session.commit()

    with admin.cursor() as cursor:
        cursor.execute(f'SELECT name FROM "{model.Author.__tablename__}" ORDER BY id')
        assert [r[0] for r in cursor.fetchall()] == ["Le Guin", "Stanisław Lem", "Nobody"]

    with Session(engine, future=True) as session:
        lem = session.execute(
            select(model.Author).where(model.Author.name.like("Stanis%"))).scalar_one()
        assert sorted(b.title for b in lem.books) == ["Solaris", "The Cyberiad"]
        session.delete(lem)
        session.commit()
        assert session.execute(select(func.count(model.Book.id))).scalar() == 2
        assert session.execute(select(func.count(model.Author.id))).scalar() == 2


def test_joins_and_aggregates(engine, model):
    add_library(engine, model)
    with Session(engine, future=True) as session:
        rows = session.execute(
            select(model.Author.name, func.count(model.Book.id), func.sum(model.Book.pages))
            .outerjoin(model.Book)
            .group_by(model.Author.name)
            .order_by(model.Author.name)
        ).all()
        assert rows == [("Le Guin", 2, 571), ("Lem", 1, 204), ("Nobody", 0, None)]

        titles = session.execute(
            select(model.Book.title)
            .join(model.Book.author)
            .where(model.Author.name == "Le Guin", model.Book.pages > 200)
        ).scalars().all()
        assert titles == ["The Dispossessed"]


@pytest.mark.parametrize("loader", [joinedload, selectinload])
def test_eager_loading(engine, model, loader):
    add_library(engine, model)
    with Session(engine, future=True) as session:
        authors = session.execute(
            select(model.Author).options(loader(model.Author.books)).order_by(model.Author.id)
        ).unique().scalars().all()
        session.expunge_all()  # no lazy loads from here on
        assert [(a.name, [b.title for b in a.books]) for a in authors] == [
            ("Le Guin", ["The Dispossessed", "The Lathe of Heaven"]),
            ("Lem", ["Solaris"]),
            ("Nobody", []),
        ]


def test_bulk_update_and_delete_statements(engine, model):
    from sqlalchemy import delete
    from sqlalchemy import update

    add_library(engine, model)
    with Session(engine, future=True) as session:
        result = session.execute(
            update(model.Book).where(model.Book.pages < 250).values(pages=model.Book.pages + 1)
            .execution_options(synchronize_session="fetch"))
        assert result.rowcount == 2
        result = session.execute(delete(model.Book).where(model.Book.pages > 300)
                                 .execution_options(synchronize_session=False))
        assert result.rowcount == 1
        session.commit()
        assert sorted(session.execute(select(model.Book.pages)).scalars()) == [185, 205]


def test_stale_row_is_detected(engine, model, admin):
    """The ORM relies on the UPDATE row count (supports_sane_rowcount)."""
    add_library(engine, model)
    with Session(engine, future=True) as session:
        book = session.execute(select(model.Book).where(model.Book.title == "Solaris")).scalar_one()
        with admin.cursor() as cursor:
            cursor.execute(f'DELETE FROM "{model.Book.__tablename__}" WHERE id = %s', (book.id,))
        book.pages = 1
        with pytest.raises(StaleDataError):
            session.commit()


def test_unique_violation_in_flush_is_integrity_error(engine, model):
    add_library(engine, model)
    with Session(engine, future=True) as session:
        session.add(model.Author(name="Lem"))
        with pytest.raises(exc.IntegrityError) as raised:
            session.commit()
        assert raised.value.orig.args[0] == "23505"
        session.rollback()
        assert session.execute(select(func.count(model.Author.id))).scalar() == 3


def test_many_objects_in_one_flush(engine, model):
    with Session(engine, future=True) as session:
        author = model.Author(name="Prolific")
        author.books = [model.Book(title=f"Vol {i}", pages=i) for i in range(1, 301)]
        session.add(author)
        session.commit()
        ids = session.execute(select(model.Book.id).order_by(model.Book.id)).scalars().all()
        assert len(ids) == 300 and len(set(ids)) == 300
        assert session.execute(select(func.sum(model.Book.pages))).scalar() == 300 * 301 // 2


def test_text_query_into_entities(engine, model):
    add_library(engine, model)
    with Session(engine, future=True) as session:
        stmt = text(f'SELECT * FROM "{model.Book.__tablename__}" WHERE pages > :p ORDER BY id')
        books = session.execute(
            select(model.Book).from_statement(stmt), {"p": 200}).scalars().all()
        assert [b.title for b in books] == ["The Dispossessed", "Solaris"]
