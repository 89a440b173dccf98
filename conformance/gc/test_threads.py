"""Scenario 5: windows of several threads and connections nest.

Four threads, each with its own connection, fetch 60,000 rows each and commit
at different times. While any window is open threshold0 stays raised; once
the last one commits the thresholds are the originals, exactly. Sequenced
rounds check every step (commit order varies between rounds); free rounds
commit after random sleeps and check the end state.
"""

import gcscen

WORKERS = 4
ROUNDS = 4
LIMIT = 60_000


def test_threads_nest_and_restore_exactly(original):
    report = gcscen.run_scenario("threads", original=original, workers=WORKERS, rounds=ROUNDS,
                                 limit=LIMIT, timeout=600)
    restored = {"enabled": True, "threshold": original}
    for number, outcome in enumerate(report["rounds"]):
        where = f"round {number}: {outcome}"
        print(f"round {number}: sequenced={outcome['sequenced']} order={outcome['order']} "
              f"after_each_commit={[s['threshold'] for s in outcome['after_each_commit']]} "
              f"after_join={outcome['after_join']}")
        assert outcome["errors"] == [], where
        assert outcome["alive"] == 0, where
        assert outcome["rows"] == [LIMIT] * WORKERS, where
        for settings in outcome["after_fetch"]:
            assert settings["threshold"][0] > original[0], where
            assert settings["threshold"][1:] == original[1:], where
        if outcome["sequenced"]:
            assert outcome["all_fetched"]["threshold"][0] > original[0], where
            steps = outcome["after_each_commit"]
            assert len(steps) == WORKERS, where
            # Still raised while any other connection's window is open ...
            for settings in steps[:-1]:
                assert settings["threshold"][0] > original[0], where
                assert settings["threshold"][1:] == original[1:], where
            for index in outcome["order"][:-1]:
                assert outcome["worker_after_commit"][index]["threshold"][0] > original[0], where
            # ... and back exactly after the last commit.
            assert steps[-1] == restored, where
            assert outcome["worker_after_commit"][outcome["order"][-1]] == restored, where
        assert outcome["after_join"] == restored, where
    assert report["final"] == restored, report
    stats = report["process_stats"]
    print(stats)
    assert stats["windows_opened"] == WORKERS * ROUNDS, stats
    assert stats["windows_open"] == 0, stats
    assert stats["nests"] >= ROUNDS, stats
