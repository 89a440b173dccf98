#!/usr/bin/env bash
# Load the reference data set (DESIGN.md) into the running test server:
#
#   some_entries(id varchar primary key  -- a uuid4 as text
#                created_date timestamp,
#                some_random_number integer 1..10000)   100,000 rows
#
# Created only when missing or incomplete, so a second run costs one count(*).
# Uses the environment written by scripts/pg.sh start (QF_PG_*), sourcing
# <build>/test-env/env.sh itself when QF_PG_PORT is not set.
#   QF_REF_ROWS=n     another row count (default 100000)
#   QF_REF_TABLE=t    another table of the same shape (default some_entries);
#                     the performance suite keeps its scaling tables this way
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -z "${QF_PG_PORT:-}" ]]; then
  env_file="$(qf_build_dir)/test-env/env.sh"
  [[ -f "$env_file" ]] || qf_die "no test environment ($env_file): run scripts/pg.sh start first"
  # shellcheck disable=SC1090
  source "$env_file"
fi
rows="${QF_REF_ROWS:-100000}"
[[ "$rows" =~ ^[0-9]+$ ]] || qf_die "QF_REF_ROWS must be a number"
table="${QF_REF_TABLE:-some_entries}"
[[ "$table" =~ ^[a-z_][a-z0-9_]*$ ]] || qf_die "QF_REF_TABLE must be a plain lower-case identifier"

psql=("$(qf_pg_bindir)/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$QF_PG_HOST" -p "$QF_PG_PORT"
  -U "$QF_PG_USER" -d "$QF_PG_DATABASE")
export PGPASSWORD="$QF_PG_PASSWORD"

# Complete means: the three columns with the right types, and exactly $rows rows.
have="$("${psql[@]}" </dev/null -c "
  SELECT CASE WHEN to_regclass('public.$table') IS NULL THEN 'missing'
              WHEN (SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position)
                      FROM information_schema.columns
                     WHERE table_schema = 'public' AND table_name = '$table')
                   <> 'id:character varying,created_date:timestamp without time zone,some_random_number:integer'
              THEN 'different'
              ELSE 'present' END")"
if [[ "$have" == present ]]; then
  have="$("${psql[@]}" </dev/null -c "SELECT count(*) FROM public.$table")"
fi

if [[ "$have" == "$rows" ]]; then
  qf_say "reference data: $table already has $rows rows"
  exit 0
fi

start=$(date +%s%N)
"${psql[@]}" <<EOF
SET client_min_messages = warning;
DROP TABLE IF EXISTS public.$table;
CREATE TABLE public.$table (
  id                 varchar PRIMARY KEY,
  created_date       timestamp NOT NULL,
  some_random_number integer NOT NULL CHECK (some_random_number BETWEEN 1 AND 10000)
);
INSERT INTO public.$table (id, created_date, some_random_number)
SELECT gen_random_uuid()::text,
       timestamp '2020-01-01' + random() * interval '1460 days',
       1 + floor(random() * 10000)::integer
  FROM generate_series(1, $rows);
VACUUM (ANALYZE) public.$table;
EOF
ms=$((($(date +%s%N) - start) / 1000000))
qf_say "reference data: created $table with $rows rows in ${ms} ms"
