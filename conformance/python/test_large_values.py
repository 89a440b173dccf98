"""10 MB text and bytea values as parameters, read back intact.

pyodbc sends long values as data-at-execution parameters: SQLExecute returns
SQL_NEED_DATA and the value arrives in many SQLPutData calls (for str, as
UTF-16 that the driver must reassemble, including surrogate pairs split
across calls). Reading back goes through SQLGetData in pieces (01004 until
the last one). The server's own length and md5 check the stored value
independently of the read path.
"""

import hashlib
import os

import pytest

MEGABYTES = 10
PATTERN = "plain ASCII, é, ß, 中文, 😀 𝄞; "  # 1-, 2-, 3- and 4-byte UTF-8


def long_text(size_bytes):
    """A str of at least ``size_bytes`` UTF-8 bytes mixing every UTF-8 width."""
    chunk = PATTERN.encode("utf-8")
    return PATTERN * (size_bytes // len(chunk) + 1)


@pytest.fixture
def blobs(make_table):
    return make_table("blobs", "id integer PRIMARY KEY, t text, b bytea")


def test_10mb_text_parameter(dsn_cnxn, blobs):
    value = long_text(MEGABYTES * 1024 * 1024)
    encoded = value.encode("utf-8")
    cursor = dsn_cnxn.cursor()
    cursor.execute(f"INSERT INTO {blobs} (id, t) VALUES (?, ?)", 1, value)
    cursor.execute(f"SELECT length(t), octet_length(t), md5(t) FROM {blobs} WHERE id = 1")
    characters, octets, digest = cursor.fetchone()
    assert (characters, octets) == (len(value), len(encoded))
    assert digest == hashlib.md5(encoded).hexdigest()
    fetched = cursor.execute(f"SELECT t FROM {blobs} WHERE id = 1").fetchval()
    assert len(fetched) == len(value)
    assert fetched == value


@pytest.mark.parametrize("kind", [bytes, bytearray])
def test_10mb_bytea_parameter(dsn_cnxn, blobs, kind):
    value = kind(os.urandom(MEGABYTES * 1024 * 1024))
    cursor = dsn_cnxn.cursor()
    cursor.execute(f"INSERT INTO {blobs} (id, b) VALUES (?, ?)", 2, value)
    cursor.execute(f"SELECT length(b), md5(b) FROM {blobs} WHERE id = 2")
    length, digest = cursor.fetchone()
    assert length == len(value)
    assert digest == hashlib.md5(value).hexdigest()
    fetched = cursor.execute(f"SELECT b FROM {blobs} WHERE id = 2").fetchval()
    assert type(fetched) is bytes
    assert len(fetched) == len(value)
    assert fetched == value


def test_large_values_next_to_small_ones(cnxn, blobs):
    """Long and short values in one statement and one result, both ways in."""
    text = long_text(1024 * 1024)
    data = os.urandom(1024 * 1024)
    cursor = cnxn.cursor()
    cursor.execute(f"INSERT INTO {blobs} (id, t, b) VALUES (?, ?, ?)", 3, text, data)
    cursor.execute(f"INSERT INTO {blobs} (id, t, b) VALUES (?, ?, ?)", 4, "short", b"\x00")
    cursor.execute(f"SELECT id, t, b FROM {blobs} ORDER BY id")
    assert [tuple(row) for row in cursor.fetchall()] == [(3, text, data), (4, "short", b"\x00")]


def test_large_value_generated_by_server(cnxn):
    """A value much larger than any fetch batch, produced by the server."""
    cursor = cnxn.cursor()
    cursor.execute("SELECT repeat('ab😀', 3000000), decode(repeat('00ff', 4000000), 'hex')")
    text, data = cursor.fetchone()
    assert text == "ab😀" * 3_000_000
    assert data == b"\x00\xff" * 4_000_000
