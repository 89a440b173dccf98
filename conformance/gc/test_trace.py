"""Scenario 10: GcTrace writes one JSON line per window."""

import json

import pytest

import gcscen

TABLE_ROWS = gcscen.TABLE_ROWS


def window_lines(text):
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{") and '"event"' in line:
            record = json.loads(line)
            if record.get("event") == "window":
                lines.append(record)
    return lines


def check_line(line, report, original):
    settings = {"enabled": True, "threshold0": original[0], "threshold1": original[1],
                "threshold2": original[2]}
    assert line["reason"] == "end_transaction", line
    assert line["policy"] == "raise", line
    assert line["collector"] == "cpython", line
    assert line["rows"] >= report["rows"] == TABLE_ROWS, line
    assert line["ms"] >= 0, line
    assert line["collections"] >= 0, line
    assert line["before"] == settings, line
    assert line["after"] == settings, line
    assert line["during"]["threshold0"] == report["during"]["threshold"][0] > original[0], line
    assert line["during"]["threshold1"] == original[1], line
    assert line["touched"] is True and line["first"] is True, line
    assert line["restored"] is True and line["left_alone"] is False, line
    assert line["pid"] == report["pid"], line


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_trace_file(tmp_path, end, original):
    path = tmp_path / "gc-trace.jsonl"
    report = gcscen.run_scenario("trace", destination=str(path), end=end, original=original)
    assert report["after"] == {"enabled": True, "threshold": original}, report
    assert path.exists(), f"GcTrace={path}: no file written; {report}"
    text = path.read_text()
    print(text)
    lines = window_lines(text)
    assert len(lines) == 1, text
    check_line(lines[0], report, original)
    # Every line is JSON and nothing else is written.
    assert len([l for l in text.splitlines() if l.strip()]) == 1, text


def test_trace_stderr(original):
    report = gcscen.run_scenario("trace", destination="stderr", original=original)
    lines = window_lines(report["_stderr"])
    print(lines)
    assert len(lines) == 1, report["_stderr"]
    check_line(lines[0], report, original)
