"""The test server's fast filter path (server/fastfilter.py) against
mongomock's matcher, which it must agree with on every document: random
documents and random filters from the subset the fast path handles, plus
the values it hands back to mongomock (arrays, sub-documents, Decimal128).

A unit test of the server itself: no server process, no MONGODB_URI."""

import datetime
import os
import random
import sys

import bson
import pytest
from bson.decimal128 import Decimal128
from bson.int64 import Int64
from mongomock import filtering

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "server"))

import fastfilter  # noqa: E402

# No 0 or 1: mongomock matches {a: true} against a: 1 (Python's True == 1),
# MongoDB and the fast path do not (test_booleans_are_not_numbers).
VALUES = [
    None,
    True,
    False,
    2,
    -1,
    Int64(2),
    2.0,
    2.5,
    float("nan"),
    "",
    "a",
    "ab",
    "abc",
    "B",
    "b",
    datetime.datetime(2020, 1, 1),
    datetime.datetime(2021, 6, 1),
    bson.ObjectId("5f0000000000000000000001"),
    bson.ObjectId("5f0000000000000000000002"),
    [1, "a"],
    [],
    [None],
    {"x": 1},
    Decimal128("2"),
]
LITERALS = [v for v in VALUES if fastfilter._bracket(v) is not None]
FIELDS = ["a", "b", "c"]


def random_doc(rng):
    return {f: rng.choice(VALUES) for f in FIELDS if rng.random() < 0.8}


def random_condition(rng):
    op = rng.choice(
        [
            "eq",
            "$eq",
            "$ne",
            "$gt",
            "$gte",
            "$lt",
            "$lte",
            "$in",
            "$nin",
            "$exists",
            "$regex",
            "two",
        ]
    )
    literal = rng.choice(LITERALS)
    if op == "eq":
        return literal
    if op in ("$in", "$nin"):
        return {op: rng.sample(LITERALS, rng.randint(1, 4))}
    if op == "$exists":
        return {op: rng.random() < 0.5}
    if op == "$regex":
        return {"$regex": rng.choice(["^a", "b$", "^A", "."]), "$options": rng.choice(["", "i"])}
    if op == "two":
        return {"$gt": rng.choice(LITERALS), "$lte": rng.choice(LITERALS)}
    return {op: literal}


def random_filter(rng, depth=0):
    spec = {}
    for field in rng.sample(FIELDS, rng.randint(1, 2)):
        spec[field] = random_condition(rng)
    if depth < 2 and rng.random() < 0.3:
        spec[rng.choice(["$and", "$or", "$nor"])] = [
            random_filter(rng, depth + 1) for _ in range(rng.randint(1, 3))
        ]
    return spec


def test_fast_path_agrees_with_mongomock():
    rng = random.Random(20261124)
    docs = [random_doc(rng) for _ in range(300)]
    checked = 0
    for _ in range(400):
        spec = random_filter(rng)
        matches = fastfilter.compile_filter(spec)
        if matches is None:  # e.g. a NaN literal: mongomock's alone
            continue
        for doc in docs:
            try:
                want = filtering.filter_applies(spec, doc)
            except Exception:  # mongomock cannot compare these at all
                continue
            assert matches(doc) == want, (spec, doc)
            checked += 1
    assert checked > 50_000


@pytest.mark.parametrize(
    "spec",
    [
        {"a.b": 1},
        {"a": {"x": 1}},
        {"a": {"$elemMatch": {"$gt": 1}}},
        {"a": {"$size": 2}},
        {"a": {"$gt": None}},
        {"a": Decimal128("1")},
        {"$where": "1"},
        {"a": {"$regex": "("}},
        {"$and": []},
        {"a": {"$options": "i"}},
    ],
)
def test_what_the_fast_path_leaves_to_mongomock(spec):
    assert fastfilter.compile_filter(spec) is None


def test_empty_filter_matches_everything():
    matches = fastfilter.compile_filter({})
    assert matches({}) and matches({"a": [1]})


def test_booleans_are_not_numbers():
    """As MongoDB: a boolean never equals a number (mongomock says otherwise)."""
    assert not fastfilter.compile_filter({"a": True})({"a": 1})
    assert not fastfilter.compile_filter({"a": {"$in": [0]}})({"a": False})
    assert fastfilter.compile_filter({"a": {"$ne": 1}})({"a": True})
