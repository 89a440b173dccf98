"""The MongoDB-wire test server against PyMongo: every command the driver's
mongo backend relies on, batches and getMore, sorting, filters, projections,
types and errors.

The assertions are MongoDB's behaviour, not the test server's: they hold
against a real mongod too (MONGODB_URI). The few that need mongod's test
commands (the failCommand fail point) skip where it refuses them.
"""

import datetime
import socket
import struct
import uuid

import bson
import pymongo
import pytest
from bson.binary import Binary
from bson.decimal128 import Decimal128
from bson.int64 import Int64
from pymongo import monitoring
from pymongo.errors import BulkWriteError, CollectionInvalid, OperationFailure

from conftest import database_name


class Recorder(monitoring.CommandListener):
    def __init__(self):
        self.commands = []
        self.replies = []

    def started(self, event):
        self.commands.append((event.command_name, event.command))

    def succeeded(self, event):
        self.replies.append((event.command_name, event.reply))

    def failed(self, event):
        pass

    def names(self):
        return [name for name, _ in self.commands]

    def batch_sizes(self):
        """Documents per find/aggregate/getMore reply, in order."""
        sizes = []
        for name, reply in self.replies:
            if name in ("find", "aggregate"):
                sizes.append(len(reply["cursor"]["firstBatch"]))
            elif name == "getMore":
                sizes.append(len(reply["cursor"]["nextBatch"]))
        return sizes


@pytest.fixture
def recorder(mongo_uri):
    rec = Recorder()
    client = pymongo.MongoClient(mongo_uri, event_listeners=[rec], serverSelectionTimeoutMS=10_000)
    rec.db = client[database_name(mongo_uri)]
    yield rec
    client.close()


def fill(collection, n, **extra):
    collection.insert_many([{"_id": i, "n": i, "even": i % 2 == 0, **extra} for i in range(n)])


# --------------------------------------------------------------------------
# Handshake and server information


def test_hello_and_is_master(mongo_client):
    hello = mongo_client.admin.command("hello")
    assert hello["ok"] == 1.0
    assert hello["isWritablePrimary"] is True
    assert hello["maxWireVersion"] >= 6  # OP_MSG
    assert hello["maxBsonObjectSize"] == 16 * 1024 * 1024
    assert hello["maxWriteBatchSize"] >= 1000
    is_master = mongo_client.admin.command("isMaster")
    assert is_master["ismaster"] is True
    assert mongo_client.admin.command("ismaster")["ok"] == 1.0


def _message(op_code, payload, request_id=7):
    return struct.pack("<iiii", 16 + len(payload), request_id, 0, op_code) + payload


def _read_message(sock):
    header = b""
    while len(header) < 16:
        chunk = sock.recv(16 - len(header))
        if not chunk:
            return None
        header += chunk
    length, _, response_to, op_code = struct.unpack("<iiii", header)
    body = b""
    while len(body) < length - 16:
        chunk = sock.recv(length - 16 - len(body))
        if not chunk:
            return None
        body += chunk
    return response_to, op_code, body


@pytest.fixture
def raw_socket(mongo_uri):
    host, port = next(iter(pymongo.uri_parser.parse_uri(mongo_uri)["nodelist"]))
    sock = socket.create_connection((host, port), timeout=20)
    yield sock
    sock.close()


def test_legacy_op_query_handshake(raw_socket):
    # What drivers send first: OP_QUERY {isMaster: 1} on admin.$cmd, OP_REPLY back.
    query = bson.encode(
        {"isMaster": 1, "helloOk": True, "client": {"driver": {"name": "qf-test", "version": "0"}}}
    )
    payload = struct.pack("<i", 0) + b"admin.$cmd\x00" + struct.pack("<ii", 0, -1) + query
    raw_socket.sendall(_message(2004, payload, request_id=41))
    response_to, op_code, body = _read_message(raw_socket)
    assert (response_to, op_code) == (41, 1)
    flags, cursor_id, starting_from, returned = struct.unpack_from("<iqii", body)
    assert (flags & 2, cursor_id, returned) == (0, 0, 1)
    reply = bson.decode(body[20:])
    assert reply["ok"] == 1.0 and reply["ismaster"] is True
    assert reply["maxWireVersion"] >= 6


def test_op_msg_by_hand(raw_socket):
    body = bson.encode({"ping": 1, "$db": "admin"})
    raw_socket.sendall(_message(2013, b"\x00\x00\x00\x00\x00" + body, request_id=42))
    response_to, op_code, payload = _read_message(raw_socket)
    assert (response_to, op_code) == (42, 2013)
    assert payload[4] == 0  # one kind-0 section
    assert bson.decode(payload[5:])["ok"] == 1.0


def test_op_msg_without_db_is_an_error(raw_socket):
    raw_socket.sendall(_message(2013, b"\x00\x00\x00\x00\x00" + bson.encode({"ping": 1})))
    _, op_code, payload = _read_message(raw_socket)
    reply = bson.decode(payload[5:])
    assert op_code == 2013 and reply["ok"] == 0.0 and reply["code"] == 40571


def test_garbage_closes_the_connection_and_never_hangs(raw_socket):
    raw_socket.sendall(struct.pack("<iiii", 3, 1, 0, 2013))  # a length shorter than a header
    assert _read_message(raw_socket) is None


def test_ping_build_info_end_sessions(mongo_client):
    assert mongo_client.admin.command("ping")["ok"] == 1.0
    info = mongo_client.admin.command("buildInfo")
    assert isinstance(info["version"], str) and info["version"].count(".") >= 1
    assert isinstance(info["versionArray"], list) and info["versionArray"][0] >= 3
    session = mongo_client.start_session()
    session_id = session.session_id
    session.end_session()
    assert mongo_client.admin.command("endSessions", [session_id])["ok"] == 1.0


def test_commands_with_a_session(mongo_client, mongo_db, scratch):
    fill(scratch, 5)
    with mongo_client.start_session() as session:
        assert scratch.count_documents({}, session=session) == 5
        assert len(list(scratch.find({}, session=session, batch_size=2))) == 5


# --------------------------------------------------------------------------
# Catalog


def test_list_databases(mongo_client, mongo_db, scratch):
    scratch.insert_one({"x": 1})
    names = mongo_client.list_database_names()
    assert mongo_db.name in names
    full = mongo_client.admin.command("listDatabases")
    entry = next(d for d in full["databases"] if d["name"] == mongo_db.name)
    assert entry["empty"] is False and entry["sizeOnDisk"] >= 0
    only = mongo_client.admin.command("listDatabases", nameOnly=True)
    assert {d["name"] for d in only["databases"]} >= {mongo_db.name}


def test_list_collections(mongo_db, scratch):
    scratch.insert_one({"x": 1})
    assert scratch.name in mongo_db.list_collection_names()
    infos = list(mongo_db.list_collections(filter={"name": scratch.name}))
    assert len(infos) == 1
    assert infos[0]["name"] == scratch.name and infos[0]["type"] == "collection"
    assert list(mongo_db.list_collections(filter={"name": "no_such_" + uuid.uuid4().hex})) == []
    only = mongo_db.command("listCollections", nameOnly=True, filter={"name": scratch.name})
    assert [c["name"] for c in only["cursor"]["firstBatch"]] == [scratch.name]


def test_list_collections_in_batches(mongo_db):
    names = ["lc_%s_%d" % (uuid.uuid4().hex[:6], i) for i in range(5)]
    try:
        for name in names:
            mongo_db.create_collection(name)
        reply = mongo_db.command(
            "listCollections", cursor={"batchSize": 2}, filter={"name": {"$in": names}}
        )
        seen = [c["name"] for c in reply["cursor"]["firstBatch"]]
        assert len(seen) == 2
        cursor_id = reply["cursor"]["id"]
        while cursor_id:
            more = mongo_db.command(
                "getMore", cursor_id, collection="$cmd.listCollections", batchSize=2
            )
            seen += [c["name"] for c in more["cursor"]["nextBatch"]]
            cursor_id = more["cursor"]["id"]
        assert sorted(seen) == sorted(names)
    finally:
        for name in names:
            mongo_db.drop_collection(name)


def test_create_and_drop(mongo_db):
    name = "cd_" + uuid.uuid4().hex[:10]
    mongo_db.create_collection(name)
    assert name in mongo_db.list_collection_names()
    with pytest.raises(CollectionInvalid):
        mongo_db.create_collection(name)
    with pytest.raises(OperationFailure) as error:
        mongo_db.command("create", name)
    assert error.value.code == 48  # NamespaceExists
    reply = mongo_db.command("drop", name)
    assert reply["ok"] == 1.0
    assert name not in mongo_db.list_collection_names()
    mongo_db.drop_collection(name)  # dropping what is not there is not an error for a client


# --------------------------------------------------------------------------
# Writes


def test_insert_one_and_many(scratch):
    result = scratch.insert_one({"a": 1})
    assert isinstance(result.inserted_id, bson.ObjectId)
    many = scratch.insert_many([{"a": i} for i in range(10)])
    assert len(many.inserted_ids) == 10
    assert scratch.count_documents({}) == 11


def test_insert_generates_an_id_when_the_client_sends_none(mongo_db, scratch):
    reply = mongo_db.command("insert", scratch.name, documents=[{"a": 1}, {"a": 2}])
    assert reply["n"] == 2 and "writeErrors" not in reply
    docs = list(scratch.find())
    assert len(docs) == 2 and all(isinstance(d["_id"], bson.ObjectId) for d in docs)
    assert list(docs[0])[0] == "_id"  # mongod puts a generated _id first


def test_duplicate_key(mongo_db, scratch):
    scratch.insert_one({"_id": 1})
    with pytest.raises(pymongo.errors.DuplicateKeyError) as error:
        scratch.insert_one({"_id": 1})
    assert error.value.code == 11000
    with pytest.raises(BulkWriteError) as bulk:
        scratch.insert_many([{"_id": 2}, {"_id": 1}, {"_id": 3}], ordered=True)
    details = bulk.value.details
    assert details["nInserted"] == 1
    assert [(e["index"], e["code"]) for e in details["writeErrors"]] == [(1, 11000)]
    with pytest.raises(BulkWriteError) as bulk:
        scratch.insert_many([{"_id": 4}, {"_id": 1}, {"_id": 5}], ordered=False)
    assert bulk.value.details["nInserted"] == 2
    assert sorted(d["_id"] for d in scratch.find()) == [1, 2, 4, 5]


def test_unacknowledged_insert(scratch):
    # w=0: OP_MSG with moreToCome, no reply; the next command on the same
    # connection sees the document.
    unacknowledged = scratch.with_options(write_concern=pymongo.WriteConcern(w=0))
    unacknowledged.insert_one({"_id": "w0"})
    assert scratch.find_one({"_id": "w0"}) == {"_id": "w0"}


def test_update(scratch):
    fill(scratch, 10)
    one = scratch.update_one({"n": 3}, {"$set": {"tag": "three"}})
    assert (one.matched_count, one.modified_count) == (1, 1)
    many = scratch.update_many({"even": True}, {"$inc": {"n": 100}})
    assert (many.matched_count, many.modified_count) == (5, 5)
    assert sorted(d["n"] for d in scratch.find({"even": True})) == [100, 102, 104, 106, 108]
    replaced = scratch.replace_one({"_id": 3}, {"replaced": True})
    assert replaced.matched_count == 1
    assert scratch.find_one({"_id": 3}) == {"_id": 3, "replaced": True}
    none = scratch.update_one({"n": -1}, {"$set": {"x": 1}})
    assert (none.matched_count, none.modified_count, none.upserted_id) == (0, 0, None)
    upserted = scratch.update_one({"_id": 99}, {"$set": {"x": 1}}, upsert=True)
    assert upserted.upserted_id == 99
    assert scratch.find_one({"_id": 99}) == {"_id": 99, "x": 1}


def test_update_command_reply(mongo_db, scratch):
    fill(scratch, 4)
    reply = mongo_db.command(
        "update",
        scratch.name,
        updates=[
            {"q": {"even": True}, "u": {"$set": {"e": 1}}, "multi": True},
            {"q": {"_id": "new"}, "u": {"$set": {"e": 2}}, "upsert": True},
        ],
    )
    assert reply["n"] == 3 and reply["nModified"] == 2
    assert reply["upserted"] == [{"index": 1, "_id": "new"}]


def test_delete(scratch):
    fill(scratch, 10)
    assert scratch.delete_one({"even": True}).deleted_count == 1
    assert scratch.delete_many({"even": True}).deleted_count == 4
    assert scratch.delete_many({"n": {"$gt": 100}}).deleted_count == 0
    assert sorted(d["_id"] for d in scratch.find()) == [1, 3, 5, 7, 9]
    assert scratch.delete_many({}).deleted_count == 5
    assert scratch.count_documents({}) == 0


# --------------------------------------------------------------------------
# Types


def test_bson_types_round_trip(mongo_uri, scratch):
    codec = bson.codec_options.CodecOptions(
        uuid_representation=bson.binary.UuidRepresentation.STANDARD
    )
    coll = scratch.with_options(codec_options=codec)
    doc = {
        "_id": bson.ObjectId(),
        "i32": 5,
        "i64": Int64(5),
        "big": 2**40,
        "double": 1.5,
        "dec": Decimal128("1.10"),
        "flag": True,
        "when": datetime.datetime(2020, 1, 2, 3, 4, 5, 678000),
        "text": "héllo ✓",
        "blob": Binary(b"\x00\x01\x02", 0x80),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "nothing": None,
        "sub": {"x": [1, {"y": 2}], "z": "w"},
        "list": [1, "two", 3.0],
    }
    coll.insert_one(dict(doc))
    back = coll.find_one({"_id": doc["_id"]})
    assert back == doc
    doc["big"] = Int64(doc["big"])  # an int beyond int32 goes as int64 and comes back as Int64
    for key in doc:
        assert type(back[key]) is type(doc[key]), key
    assert list(back) == list(doc)  # field order is kept


# --------------------------------------------------------------------------
# find: filters, projections, sorting, skip and limit


@pytest.fixture
def people(scratch):
    scratch.insert_many(
        [
            {
                "_id": 1,
                "name": "ann",
                "age": 31,
                "city": "Oslo",
                "tags": ["a", "b"],
                "addr": {"zip": "0150"},
            },
            {"_id": 2, "name": "bob", "age": 25, "city": "Bergen", "tags": ["b"]},
            {"_id": 3, "name": "cid", "age": 40, "city": None, "addr": {"zip": "5003"}},
            {"_id": 4, "name": "dan", "age": 25.5},
            {"_id": 5, "name": "eve", "age": "unknown", "city": "Oslo"},
            {"_id": 6, "name": "Anna", "age": 19, "city": "Tromsø"},
        ]
    )
    return scratch


def ids(cursor):
    return [d["_id"] for d in cursor]


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, [1, 2, 3, 4, 5, 6]),
        ({"name": "bob"}, [2]),
        ({"age": 25}, [2]),
        ({"age": {"$gt": 25}}, [1, 3, 4]),  # numbers only: "unknown" is another type
        ({"age": {"$gte": 25, "$lt": 40}}, [1, 2, 4]),
        ({"age": {"$lte": 19}}, [6]),
        ({"age": {"$ne": 25}}, [1, 3, 4, 5, 6]),
        ({"age": {"$in": [19, 40, "unknown"]}}, [3, 5, 6]),
        ({"age": {"$nin": [19, 40]}}, [1, 2, 4, 5]),
        ({"city": None}, [3, 4]),  # null matches a null and a missing field
        ({"city": {"$exists": False}}, [4]),
        ({"city": {"$exists": True}}, [1, 2, 3, 5, 6]),
        ({"name": {"$regex": "^an"}}, [1]),
        ({"name": {"$regex": "^an", "$options": "i"}}, [1, 6]),
        ({"tags": "b"}, [1, 2]),  # an array field matches an element
        ({"addr.zip": "5003"}, [3]),  # dotted path
        ({"$and": [{"city": "Oslo"}, {"age": {"$type": "number"}}]}, [1]),
        ({"$or": [{"name": "bob"}, {"age": {"$gte": 40}}]}, [2, 3]),
        ({"age": {"$not": {"$gt": 25}}}, [2, 5, 6]),
        ({"$nor": [{"city": "Oslo"}, {"city": None}]}, [2, 6]),
    ],
)
def test_filters(people, query, expected):
    assert sorted(ids(people.find(query))) == expected


def test_projection(people):
    assert people.find_one({"_id": 1}, {"name": 1}) == {"_id": 1, "name": "ann"}
    assert people.find_one({"_id": 1}, {"name": 1, "_id": 0}) == {"name": "ann"}
    assert people.find_one({"_id": 2}, {"tags": 0, "city": 0}) == {
        "_id": 2,
        "name": "bob",
        "age": 25,
    }
    assert people.find_one({"_id": 3}, {"addr.zip": 1, "_id": 0}) == {"addr": {"zip": "5003"}}
    assert people.find_one({"_id": 4}, {"city": 1}) == {"_id": 4}  # missing stays missing
    # An empty projection is the whole document (PyMongo 3 itself turns
    # find(..., {}) into {"_id": 1}, so send the command by hand).
    whole = people.database.command("find", people.name, filter={"_id": 1}, projection={})
    assert whole["cursor"]["firstBatch"] == [people.find_one({"_id": 1})]


def test_projection_mixing_inclusion_and_exclusion_is_an_error(people):
    with pytest.raises(OperationFailure):
        list(people.find({}, {"name": 1, "age": 0}))


def test_sort(people):
    by_name = ids(people.find({}).sort("name", pymongo.ASCENDING))
    assert by_name == [6, 1, 2, 3, 4, 5]  # binary order: "Anna" before "ann"
    assert ids(people.find({}).sort("name", pymongo.DESCENDING)) == [5, 4, 3, 2, 1, 6]
    # Mixed types: numbers before strings; a missing field sorts as null, first.
    by_age = ids(people.find({}).sort([("age", 1), ("_id", 1)]))
    assert by_age == [6, 2, 4, 1, 3, 5]
    by_city = ids(people.find({}).sort([("city", 1), ("_id", -1)]))
    assert by_city[:2] == [4, 3]  # missing and null tie; _id descending breaks it
    assert by_city[2:] == [2, 5, 1, 6]


def test_sort_arrays_by_their_smallest_or_largest_element(scratch):
    scratch.insert_many(
        [{"_id": "a", "v": [3, 0]}, {"_id": "b", "v": 1}, {"_id": "c", "v": [2, 5]}]
    )
    assert ids(scratch.find().sort("v", 1)) == ["a", "b", "c"]  # 0, 1, 2
    assert ids(scratch.find().sort("v", -1)) == ["c", "a", "b"]  # 5, 3, 1


def test_skip_and_limit(scratch):
    fill(scratch, 50)
    assert ids(scratch.find().sort("n", 1).skip(10).limit(5)) == [10, 11, 12, 13, 14]
    assert ids(scratch.find().sort("n", -1).limit(3)) == [49, 48, 47]
    assert ids(scratch.find().sort("n", 1).skip(48)) == [48, 49]
    assert ids(scratch.find().skip(100)) == []


def test_find_on_a_missing_collection_is_empty(mongo_db):
    missing = mongo_db["missing_" + uuid.uuid4().hex]
    assert list(missing.find()) == []
    assert missing.count_documents({}) == 0


# --------------------------------------------------------------------------
# Batches, getMore, killCursors


def test_batches_through_get_more(recorder, scratch):
    fill(scratch, 1000)
    coll = recorder.db[scratch.name]
    docs = list(coll.find().sort("n", 1).batch_size(100))
    assert [d["n"] for d in docs] == list(range(1000))
    sizes = recorder.batch_sizes()
    assert sum(sizes) == 1000
    assert all(size == 100 for size in sizes if size)
    assert recorder.names().count("getMore") in (9, 10)  # the last may come back empty


def test_default_first_batch_is_101(recorder, scratch):
    fill(scratch, 300)
    coll = recorder.db[scratch.name]
    assert len(list(coll.find())) == 300
    sizes = recorder.batch_sizes()
    assert sizes[0] == 101 and sum(sizes) == 300


def test_limit_with_batches(recorder, scratch):
    fill(scratch, 1000)
    coll = recorder.db[scratch.name]
    assert len(list(coll.find().limit(250).batch_size(100))) == 250
    assert [s for s in recorder.batch_sizes() if s] == [100, 100, 50]


def test_get_more_command(mongo_db, scratch):
    fill(scratch, 10)
    first = mongo_db.command("find", scratch.name, sort={"n": 1}, batchSize=2)
    cursor = first["cursor"]
    assert [d["n"] for d in cursor["firstBatch"]] == [0, 1]
    assert cursor["id"] != 0 and cursor["ns"] == f"{mongo_db.name}.{scratch.name}"
    more = mongo_db.command("getMore", cursor["id"], collection=scratch.name, batchSize=3)
    assert [d["n"] for d in more["cursor"]["nextBatch"]] == [2, 3, 4]
    rest = mongo_db.command("getMore", cursor["id"], collection=scratch.name)
    assert [d["n"] for d in rest["cursor"]["nextBatch"]] == [5, 6, 7, 8, 9]
    assert rest["cursor"]["id"] == 0
    with pytest.raises(OperationFailure) as error:
        mongo_db.command("getMore", cursor["id"], collection=scratch.name)
    assert error.value.code == 43  # CursorNotFound: it ended with its last batch


def test_get_more_unknown_cursor(mongo_db, scratch):
    scratch.insert_one({})
    with pytest.raises(OperationFailure) as error:
        mongo_db.command("getMore", Int64(123456789), collection=scratch.name)
    assert error.value.code == 43


def test_get_more_on_another_collection(mongo_db, scratch):
    fill(scratch, 5)
    first = mongo_db.command("find", scratch.name, batchSize=1)
    with pytest.raises(OperationFailure):
        mongo_db.command("getMore", first["cursor"]["id"], collection=scratch.name + "_other")
    mongo_db.command("killCursors", scratch.name, cursors=[first["cursor"]["id"]])


def test_single_batch(mongo_db, scratch):
    fill(scratch, 10)
    reply = mongo_db.command("find", scratch.name, batchSize=3, singleBatch=True)
    assert len(reply["cursor"]["firstBatch"]) == 3 and reply["cursor"]["id"] == 0


def test_kill_cursors(mongo_db, scratch):
    fill(scratch, 10)
    cursor_id = mongo_db.command("find", scratch.name, batchSize=2)["cursor"]["id"]
    reply = mongo_db.command("killCursors", scratch.name, cursors=[cursor_id, Int64(987654321)])
    assert reply["cursorsKilled"] == [cursor_id]
    assert reply["cursorsNotFound"] == [987654321]
    with pytest.raises(OperationFailure) as error:
        mongo_db.command("getMore", cursor_id, collection=scratch.name)
    assert error.value.code == 43


def test_closing_a_cursor_early_kills_it(recorder, scratch):
    fill(scratch, 100)
    cursor = recorder.db[scratch.name].find().batch_size(10)
    next(cursor)
    cursor.close()
    assert "killCursors" in recorder.names()


def test_reference_collection_in_batches(mongo_db):
    """100,000 documents (scripts/load-reference-mongo.sh) through getMore."""
    if mongo_db.some_entries.estimated_document_count() != 100_000:
        pytest.skip("the reference collection is not loaded (scripts/load-reference-mongo.sh)")
    seen = 0
    numbers = 0
    for doc in mongo_db.some_entries.find({}, {"_id": 0}).batch_size(5000):
        seen += 1
        numbers += 1 <= doc["some_random_number"] <= 10_000
        assert isinstance(doc["created_date"], datetime.datetime)
        assert isinstance(doc["id"], str) and len(doc["id"]) == 36
    assert seen == numbers == 100_000
    kept = list(
        mongo_db.some_entries.find({"some_random_number": {"$lte": 2000}})
        .sort("id", 1)
        .limit(20_000)
    )
    assert all(a["id"] <= b["id"] for a, b in zip(kept, kept[1:]))


# --------------------------------------------------------------------------
# count, distinct, aggregate


def test_count(mongo_db, scratch):
    fill(scratch, 20)
    assert mongo_db.command("count", scratch.name)["n"] == 20
    assert mongo_db.command("count", scratch.name, query={"even": True})["n"] == 10
    assert mongo_db.command("count", scratch.name, query={"even": True}, skip=3, limit=4)["n"] == 4
    assert mongo_db.command("count", scratch.name, skip=18)["n"] == 2
    assert scratch.count_documents({"n": {"$lt": 5}}) == 5
    assert scratch.estimated_document_count() == 20


def test_distinct(people):
    assert sorted(people.distinct("city", {"city": {"$ne": None}})) == ["Bergen", "Oslo", "Tromsø"]


def test_aggregate_stages(scratch):
    fill(scratch, 100)
    pipeline = [
        {"$match": {"even": True}},
        {"$sort": {"n": -1}},
        {"$skip": 5},
        {"$limit": 3},
        {"$project": {"_id": 0, "n": 1}},
    ]
    assert list(scratch.aggregate(pipeline)) == [{"n": 88}, {"n": 86}, {"n": 84}]
    assert list(scratch.aggregate([{"$match": {"n": {"$lt": 10}}}, {"$count": "total"}])) == [
        {"total": 10}
    ]
    assert list(scratch.aggregate([{"$match": {"n": {"$lt": 0}}}, {"$count": "total"}])) == []
    grouped = list(
        scratch.aggregate(
            [{"$group": {"_id": "$even", "count": {"$sum": 1}}}, {"$sort": {"_id": 1}}]
        )
    )
    assert grouped == [{"_id": False, "count": 50}, {"_id": True, "count": 50}]
    constant = list(
        scratch.aggregate([{"$match": {"even": False}}, {"$group": {"_id": 1, "n": {"$sum": 1}}}])
    )
    assert constant == [{"_id": 1, "n": 50}]


def test_aggregate_in_batches(recorder, scratch):
    fill(scratch, 250)
    coll = recorder.db[scratch.name]
    docs = list(coll.aggregate([{"$sort": {"n": 1}}], batchSize=100))
    assert [d["n"] for d in docs] == list(range(250))
    assert [s for s in recorder.batch_sizes() if s] == [100, 100, 50]


def test_aggregate_needs_a_cursor(mongo_db, scratch):
    scratch.insert_one({})
    with pytest.raises(OperationFailure) as error:
        mongo_db.command("aggregate", scratch.name, pipeline=[])
    assert error.value.code == 9  # FailedToParse


# --------------------------------------------------------------------------
# Errors


def test_unknown_command(mongo_db):
    with pytest.raises(OperationFailure) as error:
        mongo_db.command("frobnicate", 1)
    assert error.value.code == 59
    assert "frobnicate" in str(error.value)


def test_unknown_operator(people):
    with pytest.raises(OperationFailure) as error:
        list(people.find({"age": {"$frob": 1}}))
    assert error.value.code == 2  # BadValue
    with pytest.raises(OperationFailure):
        list(people.find({"$frob": 1}))


def test_wrong_types_in_find(mongo_db, scratch):
    scratch.insert_one({})
    with pytest.raises(OperationFailure) as error:
        mongo_db.command("find", scratch.name, filter="not a document")
    assert error.value.code == 14  # TypeMismatch
    with pytest.raises(OperationFailure):
        mongo_db.command("find", scratch.name, limit=-1)
    with pytest.raises(OperationFailure):
        mongo_db.command("find", scratch.name, batchSize=-1)
    with pytest.raises(OperationFailure):
        mongo_db.command("find", scratch.name, sort={"a": 2})
    with pytest.raises(OperationFailure) as error:
        mongo_db.command("find", scratch.name, frobnicate=True)
    assert error.value.code == 40415  # unknown field


def test_invalid_collection_name(mongo_db):
    with pytest.raises(OperationFailure) as error:
        mongo_db.command("find", "")
    assert error.value.code == 73  # InvalidNamespace


def test_max_time_ms_is_accepted(scratch):
    fill(scratch, 10)
    assert len(list(scratch.find().max_time_ms(60_000))) == 10
    with pytest.raises(OperationFailure):
        list(scratch.find().max_time_ms(-5))


def test_the_server_keeps_serving_after_errors(mongo_db, scratch):
    for _ in range(3):
        with pytest.raises(OperationFailure):
            mongo_db.command("frobnicate")
    scratch.insert_one({"ok": True})
    assert scratch.find_one({}, {"_id": 0}) == {"ok": True}


# --------------------------------------------------------------------------
# The failCommand fail point (mongod's test commands; the test server has it)


@pytest.fixture
def fail_point(mongo_client, mongo_uri):
    """configure(mode, data) for the commands of one fresh client (returned),
    named by appName so that tests running in parallel are not hit."""
    app_name = "qf-failpoint-" + uuid.uuid4().hex[:8]
    client = pymongo.MongoClient(
        mongo_uri,
        appname=app_name,
        retryReads=False,
        retryWrites=False,
        serverSelectionTimeoutMS=10_000,
    )

    def configure(mode, data):
        try:
            mongo_client.admin.command(
                "configureFailPoint", "failCommand", mode=mode, data={**data, "appName": app_name}
            )
        except OperationFailure as error:
            pytest.skip(f"the server has no failCommand fail point: {error}")
        return client

    yield configure
    try:
        mongo_client.admin.command("configureFailPoint", "failCommand", mode="off")
    except OperationFailure:
        pass
    client.close()


def test_fail_point_error_code(fail_point, mongo_db, scratch):
    fill(scratch, 10)
    client = fail_point({"times": 1}, {"failCommands": ["find"], "errorCode": 2})
    coll = client[mongo_db.name][scratch.name]
    assert len(list(scratch.find())) == 10  # another application: not hit
    with pytest.raises(OperationFailure) as error:
        list(coll.find())
    assert error.value.code == 2
    assert len(list(coll.find())) == 10  # once only


def test_fail_point_closes_the_connection_mid_fetch(fail_point, mongo_db, scratch):
    fill(scratch, 100)
    client = fail_point("off", {})
    coll = client[mongo_db.name][scratch.name]
    cursor = coll.find().batch_size(10)
    assert len([next(cursor) for _ in range(10)]) == 10
    fail_point({"times": 1}, {"failCommands": ["getMore"], "closeConnection": True})
    with pytest.raises(pymongo.errors.ConnectionFailure):
        list(cursor)
    assert coll.count_documents({}) == 100  # a new connection works


def test_indexes(scratch):
    fill(scratch, 5)
    name = scratch.create_index([("n", pymongo.ASCENDING)], unique=True)
    assert name in scratch.index_information()
    with pytest.raises(pymongo.errors.DuplicateKeyError):
        scratch.insert_one({"n": 3})
    scratch.drop_index(name)
    assert name not in scratch.index_information()
