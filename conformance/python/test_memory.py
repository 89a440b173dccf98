"""Streaming keeps memory flat: 10,000,000 rows through pyodbc in bounded RSS.

The acceptance criterion of issue 2: iterating 10 million rows (three
columns) through pyodbc with the quietfetch DSN raises the process's peak
RSS (VmHWM) by at most 64 MB over its value just before the query. A driver
that holds the whole result -- psqlODBC by default -- needs gigabytes.

psqlODBC runs here only with its streaming setting (UseDeclareFetch=1, a
server-side cursor read 10,000 rows at a time), to show the measurement
itself is sound; quietfetch must stream with no setting at all. rss_report.py
prints the same numbers for every configuration, including psqlODBC's default.

Run by ctest as its own tests (label "memory"); ``--qf-memory-rows`` lowers
the row count for a quick local run.
"""

import pytest

import memtools

LIMIT = 64 * memtools.MIB

# Per-driver connection settings the measurement needs. Empty for
# quietfetch by design: streaming must be its default.
STREAMING_SETTINGS = {
    "quietfetch": {},
    "psqlodbc": {"UseDeclareFetch": "1", "Fetch": "10000"},
}


@pytest.mark.memory
def test_iterating_rows_keeps_peak_rss_bounded(request, driver, dsn_connector):
    rows = request.config.getoption("--qf-memory-rows")
    connection = dsn_connector.connect(**STREAMING_SETTINGS[driver.name])
    cursor = connection.cursor()

    # Warm up: load every code path and cache the real run will use, so the
    # measurement sees only what grows with the result.
    warm_count, _ = memtools.iterate(cursor, 20_000)
    assert warm_count == 20_000

    reset = memtools.reset_peak()
    before = memtools.peak_rss()
    count, last = memtools.iterate(cursor, rows)
    after = memtools.peak_rss()

    assert count == rows
    assert last[0] == rows
    growth = max(0, after - before)  # the kernel samples VmHWM lazily
    print(
        f"\n{driver.name}: {rows:,} rows, peak RSS {before / memtools.MIB:.1f} MiB -> "
        f"{after / memtools.MIB:.1f} MiB (+{growth / memtools.MIB:.1f} MiB; "
        f"peak {'reset' if reset else 'not reset'} before the query)"
    )
    assert growth <= LIMIT, (
        f"{driver.name}: peak RSS grew by {growth / memtools.MIB:.1f} MiB while iterating "
        f"{rows:,} rows (limit {LIMIT / memtools.MIB:.0f} MiB): the result is not streamed"
    )
