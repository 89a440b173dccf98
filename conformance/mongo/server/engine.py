"""MongoDB commands over mongomock's storage and query semantics.

mongomock supplies documents, filters ($eq ... $regex, $and/$or/$not, dotted
paths, arrays), projections, sorting, updates and the aggregation stages. This
module supplies what a server adds around them: command parsing with
MongoDB's error codes, server-side cursors with batches and getMore, and the
handshake. It steps around two mongomock hot spots: its Cursor re-slices the
whole result for every document it yields (quadratic), and its aggregate()
and delete go through that Cursor. Here a cursor is a generator over the
matching documents, read batch by batch, so a scan is linear.

Every command runs under one lock: mongomock is not thread-safe, and the
server is a test server (correct first, fast enough second).
"""

import datetime
import itertools
import os
import random
import threading
import time

import bson
import mongomock
from bson.int64 import Int64
from mongomock import aggregate as mm_aggregate
from mongomock import filtering as mm_filtering
from pymongo import errors as pymongo_errors

import fastfilter
import wire

SERVER_VERSION = "5.0.0"
MIN_WIRE_VERSION = 0
MAX_WIRE_VERSION = 13  # MongoDB 5.0: OP_MSG, hello, sessions; no streaming monitor
DEFAULT_FIRST_BATCH = 101  # mongod's first batch when the client sets none
BATCH_BYTES = 16 * 1024 * 1024  # a batch stops growing past this (as mongod)
SIZE_CHUNK = 256  # documents encoded per bson.encode call
CURSOR_IDLE_SECONDS = 600  # mongod kills idle cursors after 10 minutes
MAX_WRITE_BATCH = 100_000

# Fields any command may carry (drivers add them); never "unknown".
GENERIC_FIELDS = frozenset(
    {
        "$db",
        "lsid",
        "txnNumber",
        "$clusterTime",
        "$readPreference",
        "readConcern",
        "writeConcern",
        "comment",
        "maxTimeMS",
        "apiVersion",
        "apiStrict",
        "apiDeprecationErrors",
        "autocommit",
        "startTransaction",
        "$audit",
        "$client",
        "$configServerState",
        "bypassDocumentValidation",
    }
)


class CommandError(Exception):
    """A command failed: the reply is {ok: 0, errmsg, code, codeName}."""

    def __init__(self, code, code_name, message):
        super().__init__(message)
        self.code = code
        self.code_name = code_name
        self.message = message

    def reply(self):
        return {"ok": 0.0, "errmsg": self.message, "code": self.code, "codeName": self.code_name}


class CloseConnection(Exception):
    """The failCommand fail point asks for the connection to be closed."""


def bad_value(message):
    return CommandError(2, "BadValue", message)


def type_mismatch(command, field, value, expected):
    return CommandError(
        14,
        "TypeMismatch",
        f"BSON field '{command}.{field}' is the wrong type '{bson_type_name(value)}', "
        f"expected type '{expected}'",
    )


def bson_type_name(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Int64):
        return "long"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if value is None:
        return "null"
    return type(value).__name__


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def want_doc(command, cmd, field, default=None):
    value = cmd.get(field, default)
    if value is None:
        return default
    if not isinstance(value, dict):
        raise type_mismatch(command, field, value, "object")
    return value


def want_int(command, cmd, field, default=0, minimum=None):
    value = cmd.get(field, default)
    if value is None:
        return default
    if not is_number(value):
        raise type_mismatch(command, field, value, "long")
    if isinstance(value, float):
        if value != int(value):
            raise bad_value(f"BSON field '{command}.{field}' must be an integer, not {value}")
        value = int(value)
    if minimum is not None and value < minimum:
        raise bad_value(
            f"BSON field '{command}.{field}' value must be >= {minimum}, actual value '{value}'"
        )
    return value


def check_fields(command, cmd, known):
    for field in cmd:
        if field == command or field in known or field in GENERIC_FIELDS:
            continue
        raise CommandError(
            40415, "Location40415", f"BSON field '{command}.{field}' is an unknown field."
        )


def collection_name(command, cmd):
    name = cmd.get(command)
    if not isinstance(name, str):
        raise CommandError(
            73,
            "InvalidNamespace",
            f"collection name has invalid type {bson_type_name(name)}",
        )
    if not name or "$" in name or "\x00" in name or name.startswith(".") or name.endswith("."):
        raise CommandError(73, "InvalidNamespace", f"Invalid namespace specified '{name}'")
    return name


def translate_mongomock_error(error):
    """mongomock's exceptions as command errors (its messages are clear)."""
    if isinstance(error, CommandError):
        return error
    if isinstance(error, pymongo_errors.DuplicateKeyError):
        return CommandError(11000, "DuplicateKey", f"E11000 duplicate key error: {error}")
    if isinstance(error, pymongo_errors.OperationFailure):
        code = error.code or 2
        return CommandError(code, "BadValue" if code == 2 else "OperationFailed", str(error))
    if isinstance(error, NotImplementedError):
        return CommandError(
            115,
            "CommandNotSupported",
            f"valid in MongoDB but not supported by the quietfetch test server (mongomock): {error}",
        )
    if isinstance(
        error, (ValueError, TypeError, KeyError, pymongo_errors.PyMongoError, bson.errors.BSONError)
    ):
        return bad_value(str(error) or type(error).__name__)
    return None


def parse_sort(command, sort):
    if sort is None:
        return None
    if not isinstance(sort, dict):
        raise type_mismatch(command, "sort", sort, "object")
    keys = []
    for key, direction in sort.items():
        if isinstance(direction, dict) or not is_number(direction) or direction not in (1, -1):
            raise bad_value(
                f"$sort key ordering must be 1 (for ascending) or -1 (for descending): {key}"
            )
        keys.append((key, int(direction)))
    return keys or None


class ServerCursor:
    """An open cursor: the rest of a result, read lazily in batches.

    `encoder` turns a list of documents into their BSON bytes (through the
    per-collection cache for documents straight from storage)."""

    def __init__(self, cursor_id, ns, iterator, encoder, time_budget_ms):
        self.id = cursor_id
        self.ns = ns
        self.iterator = iterator
        self.encoder = encoder
        self.pending = []  # encoded documents read ahead (to know the end, or past a full batch)
        self.time_budget_ms = time_budget_ms
        self.last_used = time.monotonic()

    def next_batch(self, limit, deadline):
        """Up to `limit` encoded documents (None: no count limit) and at most
        BATCH_BYTES (but at least one). Returns (documents, exhausted)."""
        docs = []
        size = 0
        queue = self.pending
        self.pending = []
        while limit is None or len(docs) < limit:
            if not queue:
                chunk = list(itertools.islice(self.iterator, SIZE_CHUNK))
                if not chunk:
                    return docs, True
                queue = self.encoder(chunk)
                if deadline is not None and time.monotonic() > deadline:
                    raise CommandError(50, "MaxTimeMSExpired", "operation exceeded time limit")
            room = len(queue) if limit is None else min(len(queue), limit - len(docs))
            for index in range(room):
                data = queue[index]
                if docs and size + len(data) > BATCH_BYTES:
                    self.pending = queue[index:]
                    return docs, False
                docs.append(data)
                size += len(data)
            queue = queue[room:]
        if not queue:
            # Read ahead: a cursor that is known to be finished reports id 0.
            chunk = list(itertools.islice(self.iterator, SIZE_CHUNK))
            if not chunk:
                return docs, True
            queue = self.encoder(chunk)
        self.pending = queue
        return docs, False


class RawCache:
    """BSON bytes of stored documents, so a scan does not re-encode them.

    Keyed by the document object's identity (kept alive by the entry, so an id
    is never reused while cached). mongomock updates documents in place:
    every write but an insert clears the collection's cache."""

    def __init__(self):
        self.collections = {}

    def encoder(self, ns):
        cache = self.collections.setdefault(ns, {})

        def encode(docs):
            out = [None] * len(docs)
            missing = []
            for index, doc in enumerate(docs):
                entry = cache.get(id(doc))
                if entry is not None and entry[0] is doc:
                    out[index] = entry[1]
                else:
                    missing.append(index)
            if missing:
                encoded = wire.encode_many([docs[i] for i in missing])
                for index, data in zip(missing, encoded):
                    out[index] = data
                    cache[id(docs[index])] = (docs[index], data)
            return out

        return encode

    def prime(self, ns, docs):
        encode = self.encoder(ns)
        for start in range(0, len(docs), SIZE_CHUNK):
            encode(docs[start : start + SIZE_CHUNK])

    def forget(self, ns, prefix=False):
        if prefix:
            for key in [k for k in self.collections if k.startswith(ns)]:
                del self.collections[key]
        else:
            self.collections.pop(ns, None)


_NOTHING = mm_filtering.NOTHING


def sort_key(key, descending=False):
    """A key function ordering values as MongoDB sorts them: type order, then
    value; a missing field sorts as null; an array by its smallest element
    (ascending) or its largest (descending), an empty array before null.
    Plain Python comparisons for the common types: mongomock's wrapper
    compares through several Python calls per comparison."""
    resolve = mm_filtering.resolve_key
    dotted = "." in key
    type_rank = mm_filtering._get_compare_type
    comparable = mm_filtering.BsonComparable

    def rank(value):
        if value is None or value is _NOTHING:
            return (5, 0)
        kind = type(value)
        if kind is int or kind is Int64 or kind is float:
            return (10, value)
        if kind is str:
            return (15, value)
        if kind is datetime.datetime:
            return (45, value)
        if kind is bool:
            return (40, value)
        if kind is bson.ObjectId:
            return (35, value)
        if isinstance(value, list):
            if not value:
                return (-1, 0)
            ranks = [rank(item) for item in value]
            try:
                return max(ranks) if descending else min(ranks)
            except TypeError:  # values of one type that Python cannot order
                return ranks[0]
        return (type_rank(value), comparable(value))

    def key_of(doc):
        return rank(resolve(key, doc) if dotted else doc.get(key, _NOTHING))

    return key_of


def _iter_matching(collection, spec):
    """Stored documents matching spec, not copied (callers copy or project)."""
    store = collection._store
    store._remove_expired_documents()
    snapshot = list(store._documents.values())
    if not spec:
        return iter(snapshot)
    matches = fastfilter.compile_filter(spec)
    if matches is None:
        applies = mm_filtering.filter_applies
        return (doc for doc in snapshot if applies(spec, doc))
    return (doc for doc in snapshot if matches(doc))


def insert_document(collection, doc):
    """mongomock's _insert without its per-document costs (a BSON re-encode to
    validate what was just decoded from BSON, a datetime walk, two lock
    round trips): 100,000 documents load in seconds, not minutes."""
    if not isinstance(doc, dict):
        raise bad_value("a document to insert must be an object")
    if "_id" not in doc:
        doc = {"_id": bson.ObjectId(), **doc}  # mongod puts a generated _id first
    key = doc["_id"]
    if isinstance(key, list):
        raise bad_value("can't use an array for _id")
    if isinstance(key, dict):
        key = mongomock.helpers.hashdict(key)
    store = collection._store
    if key in store._documents:
        raise CommandError(
            11000,
            "DuplicateKey",
            f"E11000 duplicate key error collection: {collection.full_name} index: _id_ dup key: {{ _id: {doc['_id']!r} }}",
        )
    store._documents[key] = doc
    if any(index.get("unique") for index in store.indexes.values()):
        try:
            collection._ensure_uniques(doc)
        except Exception:
            del store._documents[key]
            raise
    return doc


class FailPoint:
    """The failCommand fail point of mongod's test commands (a subset):
    mode alwaysOn / off / {times: n} / {skip: n}; data {failCommands,
    errorCode, errmsg, closeConnection, blockConnection, blockTimeMS,
    appName}. With appName it fires only for connections whose handshake
    named that application: tests running side by side stay out of each
    other's way."""

    def __init__(self):
        self.mode = "off"
        self.times = 0
        self.skip = 0
        self.data = {}

    def configure(self, mode, data):
        if mode == "off":
            self.mode = "off"
            self.data = {}
            return
        if mode == "alwaysOn":
            self.mode = "alwaysOn"
        elif isinstance(mode, dict) and "times" in mode:
            self.mode = "times"
            self.times = int(mode["times"])
        elif isinstance(mode, dict) and "skip" in mode:
            self.mode = "skip"
            self.skip = int(mode["skip"])
        else:
            raise bad_value(f"unsupported fail point mode: {mode!r}")
        if not isinstance(data, dict) or not isinstance(data.get("failCommands"), list):
            raise bad_value("failCommand needs data.failCommands, a list of command names")
        self.data = data

    def triggered(self, command, app_name):
        """The fail point's data when it fires for this command, else None."""
        if self.mode == "off" or command not in self.data.get("failCommands", ()):
            return None
        if "appName" in self.data and self.data["appName"] != app_name:
            return None
        if self.mode == "skip":
            if self.skip > 0:
                self.skip -= 1
                return None
            return self.data
        if self.mode == "times":
            if self.times <= 0:
                self.mode = "off"
                return None
            self.times -= 1
            if self.times == 0:
                self.mode = "off"
        return self.data


class Engine:
    """Runs one command document and returns the reply (a dict, or bytes
    already encoded for cursor replies)."""

    def __init__(self, log=None):
        self.client = mongomock.MongoClient()
        self.lock = threading.Lock()
        self.cursors = {}
        self.raw_cache = RawCache()
        self.fail_point = FailPoint()
        self.log = log or (lambda message: None)
        self.started = time.time()
        self.connection_ids = itertools.count(1)
        self.handlers = {
            "hello": self.cmd_hello,
            "isMaster": self.cmd_hello,
            "ismaster": self.cmd_hello,
            "ping": self.cmd_ping,
            "buildInfo": self.cmd_build_info,
            "buildinfo": self.cmd_build_info,
            "endSessions": self.cmd_ok,
            "killAllSessions": self.cmd_ok,
            "getLastError": self.cmd_get_last_error,
            "connectionStatus": self.cmd_connection_status,
            "whatsmyuri": self.cmd_whatsmyuri,
            "serverStatus": self.cmd_server_status,
            "getParameter": self.cmd_get_parameter,
            "listDatabases": self.cmd_list_databases,
            "listCollections": self.cmd_list_collections,
            "find": self.cmd_find,
            "getMore": self.cmd_get_more,
            "killCursors": self.cmd_kill_cursors,
            "aggregate": self.cmd_aggregate,
            "count": self.cmd_count,
            "distinct": self.cmd_distinct,
            "insert": self.cmd_insert,
            "update": self.cmd_update,
            "delete": self.cmd_delete,
            "drop": self.cmd_drop,
            "dropDatabase": self.cmd_drop_database,
            "create": self.cmd_create,
            "createIndexes": self.cmd_create_indexes,
            "listIndexes": self.cmd_list_indexes,
            "dropIndexes": self.cmd_drop_indexes,
            "configureFailPoint": self.cmd_configure_fail_point,
        }

    # ------------------------------------------------------------------
    # Dispatch

    def run(self, cmd, db_name, conn):
        """Returns the reply for one command (dict or encoded bytes).

        Raises CloseConnection when a fail point asks for it."""
        if not cmd:
            return CommandError(59, "CommandNotFound", "no such command: ''").reply()
        name = next(iter(cmd))
        handler = self.handlers.get(name)
        if handler is None:
            self.log(f"conn{conn.id}: unknown command {name!r}")
            return CommandError(59, "CommandNotFound", f"no such command: '{name}'").reply()
        if not isinstance(db_name, str) or not db_name or any(c in db_name for c in '/\\. "$\x00'):
            return CommandError(
                73, "InvalidNamespace", f"Invalid database name: '{db_name}'"
            ).reply()
        with self.lock:
            failure = (
                self.fail_point.triggered(name, conn.app_name)
                if name != "configureFailPoint"
                else None
            )
        if failure is not None:
            if failure.get("blockConnection"):
                time.sleep(float(failure.get("blockTimeMS", 0)) / 1000.0)
            if failure.get("closeConnection"):
                self.log(f"conn{conn.id}: fail point closes the connection on {name}")
                raise CloseConnection()
            if "errorCode" in failure:
                code = int(failure["errorCode"])
                return CommandError(
                    code,
                    "FailPoint",
                    failure.get("errmsg", f"Failing command {name} via 'failCommand' failpoint"),
                ).reply()
        started = time.monotonic()
        max_time_ms = cmd.get("maxTimeMS")
        if max_time_ms is not None and (not is_number(max_time_ms) or max_time_ms < 0):
            return bad_value(f"{max_time_ms!r} is not a valid value for maxTimeMS").reply()
        deadline = started + max_time_ms / 1000.0 if max_time_ms else None
        with self.lock:
            self.expire_idle_cursors()
            try:
                return handler(name, cmd, db_name, conn, deadline)
            except Exception as error:  # noqa: BLE001 - every failure becomes a reply
                translated = translate_mongomock_error(error)
                if translated is None:
                    self.log(f"conn{conn.id}: internal error in {name}: {error!r}")
                    translated = CommandError(
                        1, "InternalError", f"{type(error).__name__}: {error}"
                    )
                return translated.reply()

    def expire_idle_cursors(self):
        if not self.cursors:
            return
        now = time.monotonic()
        for cursor_id in [
            c.id for c in self.cursors.values() if now - c.last_used > CURSOR_IDLE_SECONDS
        ]:
            del self.cursors[cursor_id]

    # ------------------------------------------------------------------
    # Handshake and server information

    def cmd_hello(self, name, cmd, db, conn, deadline):
        client = cmd.get("client")
        if isinstance(client, dict) and isinstance(client.get("application"), dict):
            conn.app_name = client["application"].get("name")
        reply = {
            "helloOk": True,
            "ismaster": True,
            "isWritablePrimary": True,
            "maxBsonObjectSize": wire.MAX_BSON_SIZE,
            "maxMessageSizeBytes": wire.MAX_MESSAGE_SIZE,
            "maxWriteBatchSize": MAX_WRITE_BATCH,
            "localTime": datetime.datetime.now(datetime.timezone.utc),
            "logicalSessionTimeoutMinutes": 30,
            "connectionId": conn.id,
            "minWireVersion": MIN_WIRE_VERSION,
            "maxWireVersion": MAX_WIRE_VERSION,
            "readOnly": False,
            "ok": 1.0,
        }
        if name == "hello":
            del reply["ismaster"]
        return reply

    def cmd_ping(self, name, cmd, db, conn, deadline):
        return {"ok": 1.0}

    def cmd_ok(self, name, cmd, db, conn, deadline):
        return {"ok": 1.0}

    def cmd_build_info(self, name, cmd, db, conn, deadline):
        return {
            "version": SERVER_VERSION,
            "gitVersion": "quietfetch-test-server",
            "versionArray": [5, 0, 0, 0],
            "bits": 64,
            "debug": False,
            "maxBsonObjectSize": wire.MAX_BSON_SIZE,
            "storageEngines": ["mongomock"],
            "javascriptEngine": "none",
            "quietfetchTestServer": f"mongomock {mongomock.__version__} behind a Python wire layer",
            "ok": 1.0,
        }

    def cmd_get_last_error(self, name, cmd, db, conn, deadline):
        return {"n": 0, "err": None, "ok": 1.0}

    def cmd_connection_status(self, name, cmd, db, conn, deadline):
        return {"authInfo": {"authenticatedUsers": [], "authenticatedUserRoles": []}, "ok": 1.0}

    def cmd_whatsmyuri(self, name, cmd, db, conn, deadline):
        return {"you": conn.peer, "ok": 1.0}

    def cmd_server_status(self, name, cmd, db, conn, deadline):
        return {
            "host": conn.local,
            "version": SERVER_VERSION,
            "process": "qf-mongo-test-server",
            "pid": Int64(os.getpid()),
            "uptime": float(int(time.time() - self.started)),
            "localTime": datetime.datetime.now(datetime.timezone.utc),
            "metrics": {"cursor": {"open": {"total": Int64(len(self.cursors))}}},
            "ok": 1.0,
        }

    def cmd_get_parameter(self, name, cmd, db, conn, deadline):
        return {"featureCompatibilityVersion": {"version": "5.0"}, "ok": 1.0}

    def cmd_configure_fail_point(self, name, cmd, db, conn, deadline):
        if db != "admin":
            raise CommandError(
                13, "Unauthorized", "configureFailPoint may only be run against the admin database."
            )
        if cmd.get(name) != "failCommand":
            raise bad_value(
                f"the test server knows one fail point, failCommand, not {cmd.get(name)!r}"
            )
        self.fail_point.configure(cmd.get("mode"), cmd.get("data", {}))
        return {"count": 0, "ok": 1.0}

    # ------------------------------------------------------------------
    # Catalog

    def database(self, db):
        return self.client[db]

    def collection_exists(self, db, coll):
        return coll in self.database(db).list_collection_names()

    def cmd_list_databases(self, name, cmd, db, conn, deadline):
        if db != "admin":
            raise CommandError(
                13, "Unauthorized", "listDatabases may only be run against the admin database."
            )
        spec = want_doc(name, cmd, "filter", {})
        entries = []
        total = 0
        for db_name in sorted(self.client.list_database_names()):
            names = self.database(db_name).list_collection_names()
            if not names:
                continue
            size = sum(len(self.database(db_name)[c]._store) for c in names) * 64
            entry = {"name": db_name, "sizeOnDisk": Int64(size), "empty": False}
            if spec and not mm_filtering.filter_applies(spec, entry):
                continue
            total += size
            entries.append({"name": db_name} if cmd.get("nameOnly") else entry)
        return {
            "databases": entries,
            "totalSize": Int64(total),
            "totalSizeMb": Int64(total >> 20),
            "ok": 1.0,
        }

    def cmd_list_collections(self, name, cmd, db, conn, deadline):
        spec = want_doc(name, cmd, "filter", {})
        cursor_opts = want_doc(name, cmd, "cursor", {})
        batch_size = want_int(name, cursor_opts, "batchSize", None, minimum=0)
        infos = []
        for coll in sorted(self.database(db).list_collection_names()):
            info = {
                "name": coll,
                "type": "collection",
                "options": {},
                "info": {"readOnly": False},
                "idIndex": {"v": 2, "key": {"_id": 1}, "name": "_id_"},
            }
            if spec and not mm_filtering.filter_applies(spec, info):
                continue
            infos.append({"name": coll, "type": "collection"} if cmd.get("nameOnly") else info)
        return self.open_cursor(
            f"{db}.$cmd.listCollections", iter(infos), batch_size, deadline, None
        )

    def cmd_create(self, name, cmd, db, conn, deadline):
        coll = collection_name(name, cmd)
        for option in ("capped", "viewOn", "pipeline", "timeseries", "clusteredIndex"):
            if cmd.get(option):
                raise CommandError(
                    115,
                    "CommandNotSupported",
                    f"create with '{option}' is not supported by the quietfetch test server",
                )
        if self.collection_exists(db, coll):
            raise CommandError(48, "NamespaceExists", f"Collection {db}.{coll} already exists.")
        self.database(db).create_collection(coll)
        return {"ok": 1.0}

    def cmd_drop(self, name, cmd, db, conn, deadline):
        coll = collection_name(name, cmd)
        if not self.collection_exists(db, coll):
            raise CommandError(26, "NamespaceNotFound", "ns not found")
        self.kill_cursors_of(f"{db}.{coll}")
        self.raw_cache.forget(f"{db}.{coll}")
        self.database(db).drop_collection(coll)
        return {"ns": f"{db}.{coll}", "nIndexesWas": 1, "ok": 1.0}

    def cmd_drop_database(self, name, cmd, db, conn, deadline):
        self.kill_cursors_of(f"{db}.", prefix=True)
        self.raw_cache.forget(f"{db}.", prefix=True)
        self.client.drop_database(db)
        return {"dropped": db, "ok": 1.0}

    def kill_cursors_of(self, ns, prefix=False):
        for cursor_id in [
            c.id for c in self.cursors.values() if (c.ns.startswith(ns) if prefix else c.ns == ns)
        ]:
            del self.cursors[cursor_id]

    def cmd_create_indexes(self, name, cmd, db, conn, deadline):
        coll = collection_name(name, cmd)
        indexes = cmd.get("indexes")
        if not isinstance(indexes, list) or not indexes:
            raise bad_value("Must specify at least one index to create")
        collection = self.database(db)[coll]
        before = len(collection.index_information()) if self.collection_exists(db, coll) else 1
        created_collection = not self.collection_exists(db, coll)
        if created_collection:
            self.database(db).create_collection(coll)
        for spec in indexes:
            if (
                not isinstance(spec, dict)
                or not isinstance(spec.get("key"), dict)
                or not spec["key"]
            ):
                raise bad_value("index specification needs a non-empty 'key' document")
            options = {k: v for k, v in spec.items() if k not in ("key", "v", "ns")}
            collection.create_index(list(spec["key"].items()), **options)
        after = len(collection.index_information())
        return {
            "createdCollectionAutomatically": created_collection,
            "numIndexesBefore": before,
            "numIndexesAfter": after,
            "ok": 1.0,
        }

    def cmd_list_indexes(self, name, cmd, db, conn, deadline):
        coll = collection_name(name, cmd)
        if not self.collection_exists(db, coll):
            raise CommandError(26, "NamespaceNotFound", f"ns does not exist: {db}.{coll}")
        batch_size = want_int(name, want_doc(name, cmd, "cursor", {}), "batchSize", None, minimum=0)
        indexes = []
        for index_name, info in self.database(db)[coll].index_information().items():
            entry = {"v": 2, "key": dict(info["key"]), "name": index_name}
            for k, v in info.items():
                if k not in ("key", "v"):
                    entry[k] = v
            indexes.append(entry)
        return self.open_cursor(f"{db}.{coll}", iter(indexes), batch_size, deadline, None)

    def cmd_drop_indexes(self, name, cmd, db, conn, deadline):
        coll = collection_name(name, cmd)
        if not self.collection_exists(db, coll):
            raise CommandError(26, "NamespaceNotFound", f"ns not found {db}.{coll}")
        collection = self.database(db)[coll]
        which = cmd.get("index")
        before = len(collection.index_information())
        if which == "*":
            collection.drop_indexes()
        elif isinstance(which, str):
            collection.drop_index(which)
        else:
            raise bad_value("dropIndexes needs 'index': a name or '*'")
        return {"nIndexesWas": before, "ok": 1.0}

    # ------------------------------------------------------------------
    # Cursors

    def new_cursor_id(self):
        while True:
            cursor_id = random.getrandbits(62) + 1
            if cursor_id not in self.cursors:
                return cursor_id

    def open_cursor(
        self, ns, iterator, batch_size, deadline, max_time_ms, single_batch=False, encoder=None
    ):
        """Reads the first batch; keeps a server cursor when more remains.

        `encoder`: self.raw_cache.encoder(ns) when the iterator yields stored
        documents themselves (not copies), else None."""
        cursor = ServerCursor(0, ns, iterator, encoder or wire.encode_many, max_time_ms)
        limit = DEFAULT_FIRST_BATCH if batch_size is None else batch_size
        if limit == 0:
            docs, exhausted = [], False
        else:
            docs, exhausted = cursor.next_batch(limit, deadline)
        cursor_id = 0
        if not exhausted and not single_batch:
            cursor_id = self.new_cursor_id()
            cursor.id = cursor_id
            self.cursors[cursor_id] = cursor
        return wire.encode_cursor_reply(cursor_id, ns, "firstBatch", docs)

    def cmd_get_more(self, name, cmd, db, conn, deadline):
        cursor_id = cmd.get(name)
        if not isinstance(cursor_id, int) or isinstance(cursor_id, bool):
            raise type_mismatch(name, name, cursor_id, "long")
        check_fields(
            name, cmd, {"collection", "batchSize", "maxTimeMS", "term", "lastKnownCommittedOpTime"}
        )
        coll = cmd.get("collection")
        if not isinstance(coll, str):
            raise type_mismatch(name, "collection", coll, "string")
        batch_size = want_int(name, cmd, "batchSize", None, minimum=0)
        cursor = self.cursors.get(cursor_id)
        if cursor is None:
            raise CommandError(43, "CursorNotFound", f"cursor id {cursor_id} not found")
        if cursor.ns != f"{db}.{coll}":
            raise CommandError(
                13,
                "Unauthorized",
                f"Requested getMore on namespace '{db}.{coll}', but cursor belongs to a different namespace {cursor.ns}",
            )
        if cmd.get("maxTimeMS"):
            deadline = None  # getMore's maxTimeMS is for awaitData cursors; this one has none
        if cursor.time_budget_ms:
            deadline = time.monotonic() + cursor.time_budget_ms / 1000.0
        started = time.monotonic()
        try:
            docs, exhausted = cursor.next_batch(batch_size or None, deadline)
        except CommandError:
            self.cursors.pop(cursor_id, None)
            raise
        if cursor.time_budget_ms:
            cursor.time_budget_ms = max(
                1, cursor.time_budget_ms - int((time.monotonic() - started) * 1000)
            )
        cursor.last_used = time.monotonic()
        if exhausted:
            del self.cursors[cursor_id]
            cursor_id = 0
        return wire.encode_cursor_reply(cursor_id, cursor.ns, "nextBatch", docs)

    def cmd_kill_cursors(self, name, cmd, db, conn, deadline):
        coll = collection_name(name, cmd)
        ids = cmd.get("cursors")
        if not isinstance(ids, list):
            raise type_mismatch(name, "cursors", ids, "array")
        killed, not_found = [], []
        for cursor_id in ids:
            cursor = self.cursors.get(cursor_id)
            if cursor is not None and cursor.ns == f"{db}.{coll}":
                del self.cursors[cursor_id]
                killed.append(Int64(cursor_id))
            else:
                not_found.append(Int64(cursor_id) if isinstance(cursor_id, int) else cursor_id)
        return {
            "cursorsKilled": killed,
            "cursorsNotFound": not_found,
            "cursorsAlive": [],
            "cursorsUnknown": [],
            "ok": 1.0,
        }

    # ------------------------------------------------------------------
    # Queries

    def cmd_find(self, name, cmd, db, conn, deadline):
        coll = collection_name(name, cmd)
        check_fields(
            name,
            cmd,
            {
                "filter",
                "projection",
                "sort",
                "skip",
                "limit",
                "batchSize",
                "singleBatch",
                "hint",
                "noCursorTimeout",
                "allowPartialResults",
                "allowDiskUse",
                "tailable",
                "awaitData",
                "oplogReplay",
                "returnKey",
                "showRecordId",
                "min",
                "max",
                "collation",
                "let",
                "readOnce",
                "maxScan",
            },
        )
        spec = want_doc(name, cmd, "filter", {})
        projection = want_doc(name, cmd, "projection", None)
        sort = parse_sort(name, cmd.get("sort"))
        skip = want_int(name, cmd, "skip", 0, minimum=0)
        limit = want_int(name, cmd, "limit", 0, minimum=0)
        batch_size = want_int(name, cmd, "batchSize", None, minimum=0)
        for option in ("tailable", "awaitData", "returnKey", "showRecordId"):
            if cmd.get(option):
                raise CommandError(
                    115,
                    "CommandNotSupported",
                    f"find with '{option}' is not supported by the quietfetch test server",
                )
        for option in ("min", "max", "collation", "let"):
            if cmd.get(option):
                raise CommandError(
                    115,
                    "CommandNotSupported",
                    f"find with '{option}' is not supported by the quietfetch test server",
                )
        ns = f"{db}.{coll}"
        collection = self.database(db)[coll]
        mm_filtering.filter_applies(spec, {})  # a bad filter fails here, not at the first document
        if projection is not None and not projection:
            projection = None
        if projection is not None:
            collection._copy_only_fields(
                {"_id": 1}, dict(projection), dict
            )  # likewise for a bad projection
        iterator = self.query_iterator(collection, spec, sort, projection, skip, limit)
        if limit and batch_size is not None and batch_size > limit:
            batch_size = limit
        max_time_ms = cmd.get("maxTimeMS") or None
        encoder = self.raw_cache.encoder(ns) if projection is None else None
        return self.open_cursor(
            ns, iterator, batch_size, deadline, max_time_ms, bool(cmd.get("singleBatch")), encoder
        )

    def query_iterator(self, collection, spec, sort, projection, skip, limit):
        if not self.collection_exists(collection.database.name, collection.name):
            return iter(())
        docs = _iter_matching(collection, spec)
        if sort:
            docs = list(docs)
            for key, direction in reversed(sort):
                if key == "$natural":
                    if direction < 0:
                        docs.reverse()
                    continue
                if key.startswith("$"):
                    raise bad_value(f"sorting by {key} is not supported")
                docs.sort(key=sort_key(key, direction < 0), reverse=direction < 0)
            docs = iter(docs)
        if skip or limit:
            docs = itertools.islice(docs, skip, skip + limit if limit else None)
        if projection is None:
            return docs  # encoded straight from storage: nothing to copy
        copy_fields = collection._copy_only_fields
        return (copy_fields(doc, dict(projection), dict) for doc in docs)

    def cmd_count(self, name, cmd, db, conn, deadline):
        coll = collection_name(name, cmd)
        check_fields(name, cmd, {"query", "limit", "skip", "hint", "collation", "fields"})
        spec = want_doc(name, cmd, "query", {})
        skip = want_int(name, cmd, "skip", 0, minimum=0)
        limit = abs(want_int(name, cmd, "limit", 0))
        if not self.collection_exists(db, coll):
            return {"n": 0, "ok": 1.0}
        mm_filtering.filter_applies(spec, {})
        n = sum(1 for _ in _iter_matching(self.database(db)[coll], spec))
        n = max(0, n - skip)
        if limit:
            n = min(n, limit)
        return {"n": n, "ok": 1.0}

    def cmd_distinct(self, name, cmd, db, conn, deadline):
        coll = collection_name(name, cmd)
        key = cmd.get("key")
        if not isinstance(key, str):
            raise type_mismatch(name, "key", key, "string")
        spec = want_doc(name, cmd, "query", {})
        if not self.collection_exists(db, coll):
            return {"values": [], "ok": 1.0}
        return {"values": self.database(db)[coll].distinct(key, spec), "ok": 1.0}

    def cmd_aggregate(self, name, cmd, db, conn, deadline):
        target = cmd.get(name)
        if not isinstance(target, str):
            raise CommandError(
                115,
                "CommandNotSupported",
                "aggregate on a database ({aggregate: 1}) is not supported by the quietfetch test server",
            )
        coll = collection_name(name, cmd)
        check_fields(
            name,
            cmd,
            {
                "pipeline",
                "cursor",
                "explain",
                "allowDiskUse",
                "hint",
                "collation",
                "let",
                "bypassDocumentValidation",
            },
        )
        pipeline = cmd.get("pipeline")
        if not isinstance(pipeline, list):
            raise type_mismatch(name, "pipeline", pipeline, "array")
        if cmd.get("explain"):
            raise CommandError(
                115, "CommandNotSupported", "explain is not supported by the quietfetch test server"
            )
        if "cursor" not in cmd:
            raise CommandError(
                9,
                "FailedToParse",
                "The 'cursor' option is required, except for aggregate with the explain argument",
            )
        batch_size = want_int(name, want_doc(name, cmd, "cursor", {}), "batchSize", None, minimum=0)
        for stage in pipeline:
            if not isinstance(stage, dict) or len(stage) != 1:
                raise CommandError(
                    40323,
                    "Location40323",
                    "A pipeline stage specification object must contain exactly one field.",
                )
        collection = self.database(db)[coll]
        stages = list(pipeline)
        spec = {}
        if stages and "$collStats" in stages[0]:
            # What drivers' estimatedDocumentCount may send:
            # [{$collStats: {count: {}}}, {$group: {_id: 1, n: {$sum: "$count"}}}]
            options = stages.pop(0)["$collStats"]
            if not isinstance(options, dict):
                raise type_mismatch(name, "$collStats", options, "object")
            if not self.collection_exists(db, coll):
                raise CommandError(
                    26,
                    "NamespaceNotFound",
                    f"Unable to retrieve storageStats in $collStats stage :: caused by :: Collection [{db}.{coll}] not found.",
                )
            stats = {
                "ns": f"{db}.{coll}",
                "host": conn.local,
                "localTime": datetime.datetime.now(datetime.timezone.utc),
            }
            if "count" in options:
                stats["count"] = len(collection._store)
            result = (
                mm_aggregate.process_pipeline([stats], self.database(db), stages, None)
                if stages
                else [stats]
            )
            return self.open_cursor(f"{db}.{coll}", iter(list(result)), batch_size, deadline, None)
        if stages and "$match" in stages[0] and isinstance(stages[0]["$match"], dict):
            # The first $match runs over storage directly: only what matches
            # goes on through the pipeline.
            spec = stages.pop(0)["$match"]
            mm_filtering.filter_applies(spec, {})
        if self.collection_exists(db, coll):
            docs = _iter_matching(collection, spec)
        else:
            docs = iter(())
        # Leading $sort / $skip / $limit over the stored documents themselves.
        while stages:
            op, arg = next(iter(stages[0].items()))
            if op == "$sort":
                keys = parse_sort(name, arg)
                if not keys:
                    raise CommandError(
                        15976, "Location15976", "$sort stage must have at least one sort key"
                    )
                docs = list(docs)
                for key, direction in reversed(keys):
                    docs.sort(key=sort_key(key, direction < 0), reverse=direction < 0)
                docs = iter(docs)
            elif op == "$skip" and is_number(arg) and arg >= 0:
                docs = itertools.islice(docs, int(arg), None)
            elif op == "$limit" and is_number(arg) and arg > 0:
                docs = itertools.islice(docs, int(arg))
            else:
                break
            stages.pop(0)
        encoder = None
        counted = self.native_count(stages, docs)
        if counted is not None:
            docs = iter(counted)
        elif stages:
            copies = [mongomock.collection._copy_field(d, dict) for d in docs]
            result = mm_aggregate.process_pipeline(copies, self.database(db), stages, None)
            docs = iter(list(result))
        else:
            encoder = self.raw_cache.encoder(f"{db}.{coll}")  # stored documents, unchanged
        max_time_ms = cmd.get("maxTimeMS") or None
        return self.open_cursor(
            f"{db}.{coll}", docs, batch_size, deadline, max_time_ms, encoder=encoder
        )

    @staticmethod
    def native_count(stages, docs):
        """A final {$count: name}, or a {$group} on a constant _id whose
        accumulators are all {$sum: <number>} (what drivers send for
        count_documents), counted without copying a document. None when the
        stages are anything else."""
        if len(stages) != 1:
            return None
        op, arg = next(iter(stages[0].items()))
        if (
            op == "$count"
            and isinstance(arg, str)
            and arg
            and not arg.startswith("$")
            and "." not in arg
        ):
            n = sum(1 for _ in docs)
            return [{arg: n}] if n else []
        if op != "$group" or not isinstance(arg, dict) or "_id" not in arg:
            return None
        group_id = arg["_id"]
        if isinstance(group_id, (dict, list)) or (
            isinstance(group_id, str) and group_id.startswith("$")
        ):
            return None
        sums = {}
        for field, accumulator in arg.items():
            if field == "_id":
                continue
            if (
                not isinstance(accumulator, dict)
                or list(accumulator) != ["$sum"]
                or not is_number(accumulator["$sum"])
            ):
                return None
            sums[field] = accumulator["$sum"]
        n = sum(1 for _ in docs)
        if not n:
            return []
        result = {"_id": group_id}
        for field, value in sums.items():
            result[field] = n * value
        return [result]

    # ------------------------------------------------------------------
    # Writes

    def write_items(self, name, cmd, field):
        items = cmd.get(field)
        if not isinstance(items, list):
            raise type_mismatch(name, field, items, "array")
        if not items:
            raise CommandError(
                10413,
                "InvalidLength",
                "Write batch sizes must be between 1 and 100000. Got 0 operations.",
            )
        if len(items) > MAX_WRITE_BATCH:
            raise CommandError(
                10413,
                "InvalidLength",
                f"Write batch sizes must be between 1 and {MAX_WRITE_BATCH}. Got {len(items)} operations.",
            )
        return items

    @staticmethod
    def write_reply(n, write_errors, extra=None):
        reply = {"n": n}
        if extra:
            reply.update(extra)
        if write_errors:
            reply["writeErrors"] = write_errors
        reply["ok"] = 1.0
        return reply

    @staticmethod
    def write_error(index, error):
        translated = translate_mongomock_error(error) or CommandError(
            1, "InternalError", str(error)
        )
        return {"index": index, "code": translated.code, "errmsg": translated.message}

    def cmd_insert(self, name, cmd, db, conn, deadline):
        coll = collection_name(name, cmd)
        docs = self.write_items(name, cmd, "documents")
        ordered = cmd.get("ordered", True)
        collection = self.database(db)[coll]
        if not self.collection_exists(db, coll):
            self.database(db).create_collection(coll)
        n = 0
        errors = []
        inserted = []
        for index, doc in enumerate(docs):
            try:
                inserted.append(insert_document(collection, doc))
                n += 1
            except Exception as error:  # noqa: BLE001 - reported per document
                errors.append(self.write_error(index, error))
                if ordered:
                    break
        # Encode now, in chunks, what the first scan would otherwise encode.
        self.raw_cache.prime(f"{db}.{coll}", inserted)
        return self.write_reply(n, errors)

    def cmd_update(self, name, cmd, db, conn, deadline):
        coll = collection_name(name, cmd)
        updates = self.write_items(name, cmd, "updates")
        ordered = cmd.get("ordered", True)
        collection = self.database(db)[coll]
        self.raw_cache.forget(f"{db}.{coll}")
        n = n_modified = 0
        upserted = []
        errors = []
        for index, op in enumerate(updates):
            try:
                if not isinstance(op, dict):
                    raise bad_value("an update statement must be an object")
                spec = op.get("q", {})
                update = op.get("u")
                if not isinstance(spec, dict):
                    raise type_mismatch("update.updates", "q", spec, "object")
                if isinstance(update, list):
                    raise CommandError(
                        115,
                        "CommandNotSupported",
                        "pipeline updates are not supported by the quietfetch test server",
                    )
                if not isinstance(update, dict):
                    raise type_mismatch("update.updates", "u", update, "object")
                upsert = bool(op.get("upsert", False))
                multi = bool(op.get("multi", False))
                if not self.collection_exists(db, coll):
                    self.database(db).create_collection(coll)
                operators = any(k.startswith("$") for k in update)
                if operators:
                    method = collection.update_many if multi else collection.update_one
                    kwargs = {}
                    if op.get("arrayFilters"):
                        kwargs["array_filters"] = op["arrayFilters"]
                    result = method(spec, update, upsert=upsert, **kwargs)
                else:
                    if multi:
                        raise CommandError(
                            9,
                            "FailedToParse",
                            "multi update is not supported for replacement-style update",
                        )
                    result = collection.replace_one(spec, update, upsert=upsert)
                n += result.matched_count
                n_modified += result.modified_count
                if result.upserted_id is not None:
                    n += 1
                    upserted.append({"index": index, "_id": result.upserted_id})
            except Exception as error:  # noqa: BLE001 - reported per statement
                errors.append(self.write_error(index, error))
                if ordered:
                    break
        extra = {"nModified": n_modified}
        if upserted:
            extra["upserted"] = upserted
        return self.write_reply(n, errors, extra)

    def cmd_delete(self, name, cmd, db, conn, deadline):
        coll = collection_name(name, cmd)
        deletes = self.write_items(name, cmd, "deletes")
        ordered = cmd.get("ordered", True)
        n = 0
        errors = []
        exists = self.collection_exists(db, coll)
        collection = self.database(db)[coll]
        self.raw_cache.forget(f"{db}.{coll}")
        for index, op in enumerate(deletes):
            try:
                if not isinstance(op, dict):
                    raise bad_value("a delete statement must be an object")
                spec = op.get("q")
                if not isinstance(spec, dict):
                    raise type_mismatch("delete.deletes", "q", spec, "object")
                limit = op.get("limit", 0)
                if limit not in (0, 1):
                    raise bad_value(
                        f"The limit field in delete objects must be 0 or 1. Got {limit}"
                    )
                mm_filtering.filter_applies(spec, {})
                if not exists:
                    continue
                store = collection._store
                victims = _iter_matching(collection, spec)
                if limit == 1:
                    victims = itertools.islice(victims, 1)
                for doc in list(victims):
                    key = doc["_id"]
                    if isinstance(key, dict):
                        key = mongomock.helpers.hashdict(key)
                    del store[key]
                    n += 1
            except Exception as error:  # noqa: BLE001 - reported per statement
                errors.append(self.write_error(index, error))
                if ordered:
                    break
        return self.write_reply(n, errors)
