"""Process memory readings shared by test_memory.py and rss_report.py.

Peak resident set size comes from VmHWM in /proc/self/status. Writing "5"
to /proc/self/clear_refs resets that peak to the current RSS (Linux 4.0+),
which lets a measurement start from "now" rather than from whatever the
process touched earlier.
"""

import gc

MIB = 1024 * 1024

# The workload: three columns (int, 32-char text, timestamptz) per row.
QUERY = "SELECT i, md5(i::text), now() FROM generate_series(1, {rows}) AS s(i)"


def status_kib(field):
    """A "Vm..." field of /proc/self/status, in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not found in /proc/self/status")


def peak_rss():
    """Peak resident set size so far (VmHWM), in bytes."""
    return status_kib("VmHWM") * 1024


def current_rss():
    """Current resident set size (VmRSS), in bytes."""
    return status_kib("VmRSS") * 1024


def reset_peak():
    """Reset VmHWM to the current RSS if the kernel allows; return True if done."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def iterate(cursor, rows):
    """Run the workload and walk every row the way applications do.

    Returns (row count, last row as a tuple) so the caller can check that
    the whole result really went through the driver.
    """
    cursor.execute(QUERY.format(rows=int(rows)))
    count = 0
    last = None
    for row in cursor:
        count += 1
        last = row
    return count, (tuple(last) if last is not None else None)
