"""pytest set-up shared by every MongoDB test in this folder.

The server is the one MONGODB_URI names: the MongoDB-wire test server that
scripts/test.sh starts (scripts/mongo.sh), or a real mongod. When MONGODB_URI
is not set, the URI is read from QF_MONGO_ENV_FILE (ctest points it at
<build>/test-env/mongo-env.sh) and put into os.environ, so tests that read
os.environ["MONGODB_URI"] themselves see it too.

Fixtures:
  mongo_uri         the URI (the session stops with one message when there is none)
  mongo_client      a pymongo.MongoClient (session-wide)
  mongo_db          the URI's database (qf when the URI names none)
  scratch           a fresh, empty collection, dropped afterwards
"""

import os
import shlex
import sys
import uuid

import pytest

try:
    import pymongo
    from pymongo.uri_parser import parse_uri
except ImportError:  # pragma: no cover - reported at session start
    pymongo = None

DEFAULT_DATABASE = "qf"


def _uri_from_env_file(path):
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line.startswith("export MONGODB_URI="):
                    words = shlex.split(line[len("export ") :])
                    return words[0].split("=", 1)[1]
    except OSError:
        return None
    return None


def mongodb_uri():
    """MONGODB_URI, or the one the test environment file records (or None)."""
    uri = os.environ.get("MONGODB_URI")
    if uri:
        return uri
    env_file = os.environ.get("QF_MONGO_ENV_FILE")
    if env_file:
        uri = _uri_from_env_file(env_file)
        if uri:
            os.environ["MONGODB_URI"] = uri
    return uri


# At import, before any test module reads os.environ["MONGODB_URI"] itself.
mongodb_uri()


def database_name(uri):
    return parse_uri(uri).get("database") or DEFAULT_DATABASE


def _require_server():
    """Stops the session with one message when there is no server to test."""
    problems = []
    if pymongo is None:
        problems.append(
            f"pymongo is not importable from {sys.executable}; use Debian's /usr/bin/python3 (python3-pymongo)"
        )
    if not mongodb_uri():
        where = os.environ.get("QF_MONGO_ENV_FILE") or "<build>/test-env/mongo-env.sh"
        problems.append(
            "the MongoDB tests need MONGODB_URI (set by the project's test script; by hand: "
            f"`QF_BUILD_DIR=<build> scripts/mongo.sh start` and `. {where}`, or a real mongod's URI)"
        )
    if problems:
        pytest.exit("\n".join(problems), returncode=1)


@pytest.fixture(scope="session")
def mongo_uri():
    _require_server()
    return mongodb_uri()


@pytest.fixture(scope="session")
def mongo_client(mongo_uri):
    client = pymongo.MongoClient(mongo_uri, serverSelectionTimeoutMS=10_000)
    try:
        client.admin.command("ping")
    except pymongo.errors.PyMongoError as error:
        pytest.exit(f"cannot reach the MongoDB server at {mongo_uri}: {error}", returncode=1)
    yield client
    client.close()


@pytest.fixture(scope="session")
def mongo_db(mongo_client, mongo_uri):
    return mongo_client[database_name(mongo_uri)]


@pytest.fixture
def scratch(mongo_db):
    """An empty collection with a unique name, dropped after the test."""
    name = "t_" + uuid.uuid4().hex[:12]
    collection = mongo_db[name]
    yield collection
    collection.drop()
