"""A fast path for the filters drivers send most: plain Python comparisons
instead of mongomock's general matcher (about ten times faster per document).

compile_filter(spec) returns a predicate(doc) -> bool, or None when the filter
uses anything outside the subset below; then mongomock's filter_applies does
all the work. The subset:

  {field: literal}                          equality
  {field: {$eq|$ne|$gt|$gte|$lt|$lte: literal, $in|$nin: [literals],
           $exists: bool, $regex: str, $options: str}}
  {$and|$or|$nor: [filters]}

where a field is a top-level name (no dots) and a literal is null, a bool, a
number (int, Int64, float, not NaN), a string, a datetime or an ObjectId.
MongoDB compares values of one type bracket only (numbers with numbers, ...),
so a comparison across brackets is false. A document value the fast path does
not model (an array, a sub-document, Decimal128, NaN, ...) makes that one
document go through mongomock, so the answer is always mongomock's.
"""

import datetime
import re

import bson
from bson.int64 import Int64
from mongomock import filtering as mm_filtering

_MISSING = mm_filtering.NOTHING


class _Undecided(Exception):
    """This document needs mongomock's matcher."""


def _bracket(value):
    """MongoDB's comparison bracket of a value, or None if not modelled here."""
    kind = type(value)
    if kind is bool:
        return "bool"
    if kind is int or kind is Int64:
        return "number"
    if kind is float:
        return None if value != value else "number"
    if kind is str:
        return "string"
    if kind is datetime.datetime:
        return "date"
    if kind is bson.ObjectId:
        return "objectid"
    if value is None:
        return "null"
    return None


def _value_bracket(value):
    """The bracket of a document's value; _Undecided for what is not modelled."""
    if value is _MISSING:
        return "missing"
    bracket = _bracket(value)
    if bracket is None:
        raise _Undecided()
    return bracket


def _equals(operand, operand_bracket):
    if operand_bracket == "null":
        return lambda v, b: b in ("null", "missing")
    return lambda v, b: b == operand_bracket and v == operand


_ORDER = {
    "$gt": lambda v, o: v > o,
    "$gte": lambda v, o: v >= o,
    "$lt": lambda v, o: v < o,
    "$lte": lambda v, o: v <= o,
}


def _compile_operator(op, operand):
    """A test(value, bracket) for one operator, or None (not in the subset)."""
    if op in ("$eq", "$ne"):
        bracket = _bracket(operand)
        if bracket is None:
            return None
        equals = _equals(operand, bracket)
        return equals if op == "$eq" else (lambda v, b: not equals(v, b))
    if op in _ORDER:
        bracket = _bracket(operand)
        if bracket is None or bracket == "null":
            return None
        compare = _ORDER[op]
        return lambda v, b: b == bracket and compare(v, operand)
    if op in ("$in", "$nin"):
        if not isinstance(operand, list):
            return None
        tests = []
        for item in operand:
            bracket = _bracket(item)
            if bracket is None:
                return None
            tests.append(_equals(item, bracket))
        if op == "$in":
            return lambda v, b: any(t(v, b) for t in tests)
        return lambda v, b: not any(t(v, b) for t in tests)
    if op == "$exists":
        if not isinstance(operand, bool):
            return None
        return lambda v, b: (b != "missing") == operand
    return None


def _compile_field(value):
    """A test(value, bracket) for the condition on one field, or None."""
    if isinstance(value, dict):
        if not value or not all(isinstance(k, str) and k.startswith("$") for k in value):
            return None  # equality with a sub-document: mongomock's business
        tests = []
        ops = dict(value)
        if "$regex" in ops:
            pattern = ops.pop("$regex")
            options = ops.pop("$options", "")
            if (
                not isinstance(pattern, str)
                or not isinstance(options, str)
                or set(options) - set("imsx")
            ):
                return None
            flags = 0
            for letter, flag in (
                ("i", re.IGNORECASE),
                ("m", re.MULTILINE),
                ("s", re.DOTALL),
                ("x", re.VERBOSE),
            ):
                if letter in options:
                    flags |= flag
            try:
                search = re.compile(pattern, flags).search
            except re.error:
                return None
            tests.append(lambda v, b: b == "string" and search(v) is not None)
        elif "$options" in ops:
            return None
        for op, operand in ops.items():
            test = _compile_operator(op, operand)
            if test is None:
                return None
            tests.append(test)
        if len(tests) == 1:
            return tests[0]
        return lambda v, b: all(t(v, b) for t in tests)
    bracket = _bracket(value)
    if bracket is None:
        return None
    return _equals(value, bracket)


def _compile(spec):
    """A predicate(doc) that may raise _Undecided, or None."""
    if not isinstance(spec, dict):
        return None
    parts = []
    for key, value in spec.items():
        if key in ("$and", "$or", "$nor"):
            if not isinstance(value, list) or not value:
                return None
            subs = [_compile(sub) for sub in value]
            if any(sub is None for sub in subs):
                return None
            if key == "$and":
                parts.append(lambda doc, subs=subs: all(s(doc) for s in subs))
            elif key == "$or":
                parts.append(lambda doc, subs=subs: any(s(doc) for s in subs))
            else:
                parts.append(lambda doc, subs=subs: not any(s(doc) for s in subs))
            continue
        if not isinstance(key, str) or not key or key.startswith("$") or "." in key:
            return None
        test = _compile_field(value)
        if test is None:
            return None

        def field_part(doc, key=key, test=test):
            value = doc.get(key, _MISSING)
            return test(value, _value_bracket(value))

        parts.append(field_part)
    if not parts:
        return lambda doc: True
    if len(parts) == 1:
        return parts[0]
    return lambda doc: all(p(doc) for p in parts)


def compile_filter(spec):
    """predicate(doc) -> bool with mongomock's answers, or None (use mongomock)."""
    predicate = _compile(spec)
    if predicate is None:
        return None
    applies = mm_filtering.filter_applies

    def matches(doc):
        try:
            return predicate(doc)
        except (_Undecided, TypeError):  # TypeError: e.g. naive against aware datetimes
            return applies(spec, doc)

    return matches
