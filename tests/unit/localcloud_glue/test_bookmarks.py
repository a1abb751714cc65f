import json

import pytest

from localcloud.glue.bookmarks import BookmarkStore
from localcloud.glue.errors import EntityNotFound

MINUTE = 60_000


@pytest.fixture
def select(shim):
    from awsglue._bookmarks import S3Object, select_objects

    def run(objects, previous, start):
        chosen, state = select_objects([S3Object(*o) for o in objects], previous, start)
        return [o.uri for o in chosen], state

    return run


def test_first_run_reads_everything_second_nothing(select):
    objects = [("s3://b/a", 1000 * MINUTE, "e1"), ("s3://b/b", 1001 * MINUTE, "e2")]
    first, state = select(objects, None, 1002 * MINUTE)
    assert first == ["s3://b/a", "s3://b/b"]
    second, _ = select(objects, state, 1010 * MINUTE)
    assert second == []


def test_only_new_and_modified_objects_are_read(select):
    old = [("s3://b/a", 1000 * MINUTE, "e1"), ("s3://b/b", 1001 * MINUTE, "e2")]
    _, state = select(old, None, 1002 * MINUTE)
    now = [("s3://b/a", 1000 * MINUTE, "e1"), ("s3://b/b", 1005 * MINUTE, "e3"),
           ("s3://b/c", 1006 * MINUTE, "e4")]
    chosen, _ = select(now, state, 1007 * MINUTE)
    assert chosen == ["s3://b/b", "s3://b/c"]


def test_rewrite_within_the_same_second_is_caught_by_etag(select):
    _, state = select([("s3://b/a", 1000 * MINUTE, "e1")], None, 1000 * MINUTE + 500)
    chosen, _ = select([("s3://b/a", 1000 * MINUTE, "e2")], state, 1001 * MINUTE)
    assert chosen == ["s3://b/a"]


def test_late_object_inside_the_window_is_read_old_ones_outside_are_not(select):
    _, state = select([("s3://b/a", 1000 * MINUTE, "e1")], None, 1030 * MINUTE)
    late = [("s3://b/a", 1000 * MINUTE, "e1"),          # before window: done
            ("s3://b/late", 1028 * MINUTE, "e9")]       # inside window, never seen: read
    chosen, state2 = select(late, state, 1040 * MINUTE)
    assert chosen == ["s3://b/late"]
    assert state2["timestamps"]["PREV_RUN_START_TIME"] == str(1030 * MINUTE)
    assert list(state2["includeList"]) == ["s3://b/late"]


def test_store_commit_get_reset():
    store = BookmarkStore()
    with pytest.raises(EntityNotFound, match="Continuation for job j not found"):
        store.get("j")
    store.commit("j", "jr_1", 0, {"ctx": {"x": 1}})
    store.commit("j", "jr_2", 0, {"ctx": {"x": 2}})
    entry = store.get("j")
    assert (entry["Version"], entry["Run"], entry["RunId"], entry["PreviousRunId"]) == (
        2, 2, "jr_2", "jr_1")
    assert json.loads(entry["JobBookmark"])["ctx"] == {"x": 2}
    assert store.sources("j") == {"ctx": {"x": 2}}
    reset = store.reset("j")
    assert reset["Version"] == 3
    assert store.sources("j") == {}
    restored = BookmarkStore()
    restored.restore(store.export())
    assert restored.get("j") == store.get("j")
