#!/usr/bin/env bash
# Load the MongoDB reference data set (DESIGN.md) into the server of MONGODB_URI:
#
#   some_entries { _id: ObjectId, id: uuid4 string, created_date: date,
#                  some_random_number: int32 1..10000 }     100,000 documents
#
# the same shape as the PostgreSQL reference rows (scripts/load-reference.sh),
# in the URI's database (qf when the URI names none). Created only when missing
# or incomplete, so a second run costs one count. Uses MONGODB_URI, sourcing
# <build>/test-env/mongo-env.sh (scripts/mongo.sh start) when it is not set.
#   QF_REF_ROWS=n         another document count (default 100000)
#   QF_REF_COLLECTION=c   another collection of the same shape (default some_entries)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -z "${MONGODB_URI:-}" ]]; then
  env_file="$(qf_build_dir)/test-env/mongo-env.sh"
  [[ -f "$env_file" ]] || qf_die "no MongoDB test environment ($env_file): run scripts/mongo.sh start first"
  # shellcheck disable=SC1090
  source "$env_file"
fi
rows="${QF_REF_ROWS:-100000}"
[[ "$rows" =~ ^[0-9]+$ ]] || qf_die "QF_REF_ROWS must be a number"
collection="${QF_REF_COLLECTION:-some_entries}"
[[ "$collection" =~ ^[a-z_][a-z0-9_]*$ ]] || qf_die "QF_REF_COLLECTION must be a plain lower-case name"

exec "$QF_PYTHON" - "$MONGODB_URI" "$rows" "$collection" <<'PY'
import datetime
import random
import sys
import time
import uuid

import pymongo
from pymongo.uri_parser import parse_uri

uri, rows, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=15000)
database = client[parse_uri(uri).get("database") or "qf"]
collection = database[name]

# Complete means: the right number of documents, and a document of the right shape.
sample = collection.find_one({}, {"_id": 0})
shape = sorted((k, type(v).__name__) for k, v in (sample or {}).items())
want = [("created_date", "datetime"), ("id", "str"), ("some_random_number", "int")]
count = collection.count_documents({}) if sample is not None else 0
if shape == want and count == rows:
    print(f"reference data: {database.name}.{name} already has {rows} documents")
    sys.exit(0)

start = time.monotonic()
collection.drop()
base = datetime.datetime(2020, 1, 1)
span_ms = 1460 * 86_400_000
chunk = 10_000
for offset in range(0, rows, chunk):
    docs = [
        {
            "id": str(uuid.uuid4()),
            # milliseconds: what a BSON date holds
            "created_date": base + datetime.timedelta(milliseconds=random.randrange(span_ms)),
            "some_random_number": random.randint(1, 10_000),
        }
        for _ in range(min(chunk, rows - offset))
    ]
    collection.insert_many(docs, ordered=False)
ms = int((time.monotonic() - start) * 1000)
print(f"reference data: created {database.name}.{name} with {rows} documents in {ms} ms")
PY
