"""The deployer's create/update/replace/delete/rollback order, on fake handlers and a fake S3
(no sockets): what happens when, and what the stack record says afterwards."""

import itertools

import pytest

from localcloud.provision import handlers
from localcloud.provision.base import ALL, Provisioned, ResourceHandler
from localcloud.provision.deployer import deploy_stack, destroy_stack
from localcloud.provision.errors import ResourceFailed
from localcloud.provision.stack import StackStore


class FakeS3:
    """Just what StackStore uses."""

    class _Missing(Exception):
        def __init__(self, code):
            self.response = {"Error": {"Code": code}}

    def __init__(self):
        self.buckets: dict[str, dict[str, bytes]] = {}

    def head_bucket(self, Bucket):
        if Bucket not in self.buckets:
            raise self._Missing("404")

    def create_bucket(self, Bucket, **_):
        self.buckets.setdefault(Bucket, {})

    def put_object(self, Bucket, Key, Body, **_):
        self.buckets[Bucket][Key] = Body

    def get_object(self, Bucket, Key):
        if Bucket not in self.buckets:
            raise self._Missing("NoSuchBucket")
        if Key not in self.buckets[Bucket]:
            raise self._Missing("NoSuchKey")
        body = self.buckets[Bucket][Key]
        return {"Body": type("B", (), {"read": lambda self: body})()}

    def delete_object(self, Bucket, Key):
        self.buckets.get(Bucket, {}).pop(Key, None)


class Thing(ResourceHandler):
    """A fake resource: Name forces replacement, Fail makes create/update raise."""

    type_name = "Test::Thing"
    properties = frozenset({"Name", "Size", "Fail", "Other"})
    replace_on = frozenset({"Name"})

    def __init__(self, log, live, counter):
        self.log, self.live, self.counter = log, live, counter

    def create(self, ctx, props):
        if props.get("Fail") == "create":
            raise RuntimeError("boom on create")
        physical = f"{props.get('Name', ctx.logical_id)}#{next(self.counter)}"
        self.log.append(("create", ctx.logical_id, physical))
        self.live[physical] = dict(props)
        return Provisioned(physical, {"Arn": f"arn:{physical}"})

    def update(self, ctx, current, old, new):
        if new.get("Fail") == "update":
            raise RuntimeError("boom on update")
        self.log.append(("update", ctx.logical_id, current.physical_id))
        self.live[current.physical_id] = dict(new)
        return current

    def delete(self, ctx, current, props):
        if props.get("Fail") == "delete":
            raise RuntimeError("boom on delete")
        self.log.append(("delete", ctx.logical_id, current.physical_id))
        self.live.pop(current.physical_id, None)


class Link(Thing):
    type_name = "Test::Link"
    replace_on = ALL


@pytest.fixture
def world(monkeypatch):
    log, live, counter = [], {}, itertools.count(1)
    monkeypatch.setitem(handlers.HANDLERS, "Test::Thing", Thing(log, live, counter))
    monkeypatch.setitem(handlers.HANDLERS, "Test::Link", Link(log, live, counter))
    s3 = FakeS3()

    class World:
        def deploy(self, template, parameters=None):
            return deploy_stack("stk", template, parameters, lambda _: s3, "us-east-1")

        def destroy(self):
            return destroy_stack("stk", lambda _: s3, "us-east-1")

        def record(self):
            return StackStore(lambda _: s3, "123456789012", "us-east-1").load("stk")

    world = World()
    world.log, world.live = log, live
    return world


def _template(**extra):
    resources = {
        "A": {"Type": "Test::Thing", "Properties": {"Name": "a", "Size": "1"}},
        "B": {"Type": "Test::Link", "Properties": {"Other": {"Fn::GetAtt": ["A", "Arn"]}}},
        "C": {"Type": "Test::Thing", "Properties": {"Other": {"Ref": "B"}}},
    }
    for name, props in extra.items():
        resources[name]["Properties"].update(props)
    return {
        "Resources": resources,
        "Outputs": {"A": {"Value": {"Ref": "A"}}, "C": {"Value": {"Fn::GetAtt": ["C", "Arn"]}}},
    }


def test_first_deploy_creates_in_order_and_records(world):
    result = world.deploy(_template())
    assert [entry[:2] for entry in world.log] == [("create", "A"), ("create", "B"), ("create", "C")]
    assert result.outputs == {"A": "a#1", "C": "arn:C#3"}
    record = world.record()
    assert record.status == "CREATE_COMPLETE"
    assert record.resources["C"].depends_on == ["B"]
    assert record.resources["B"].properties == {"Other": "arn:a#1"}


def test_replacement_cascades_and_old_is_deleted_last(world):
    world.deploy(_template())
    world.log.clear()
    result = world.deploy(_template(A={"Name": "a2"}))
    assert result.replaced == ["A", "B"] and result.updated == ["C"]
    assert world.log == [
        ("create", "A", "a2#4"),
        ("create", "B", "B#5"),
        ("update", "C", "C#3"),
        ("delete", "B", "B#2"),
        ("delete", "A", "a#1"),
    ]
    assert world.live["C#3"] == {"Other": "B#5"}
    assert world.record().pending_deletes == []


def test_unchanged_resources_are_left_alone(world):
    world.deploy(_template())
    world.log.clear()
    result = world.deploy(_template())
    assert world.log == [] and result.unchanged == ["A", "B", "C"]


def test_failed_update_restores_old_properties_in_reverse_order(world):
    world.deploy(_template())
    world.log.clear()
    template = _template(A={"Size": "2"}, C={"Fail": "update"})
    resources = template["Resources"]
    template["Resources"] = {
        "A": resources["A"],
        "D": {"Type": "Test::Thing", "DependsOn": "A"},
        "B": resources["B"],
        "C": resources["C"],
    }
    with pytest.raises(ResourceFailed, match="C \\(Test::Thing\\) failed: boom on update"):
        world.deploy(template)
    assert world.log == [
        ("update", "A", "a#1"),
        ("create", "D", "D#4"),
        ("delete", "D", "D#4"),
        ("update", "A", "a#1"),
    ]
    assert world.live["a#1"] == {"Name": "a", "Size": "1"}
    record = world.record()
    assert record.status == "UPDATE_ROLLBACK_COMPLETE"
    assert sorted(record.resources) == ["A", "B", "C"]
    assert record.resources["A"].properties["Size"] == "1"


def test_failed_replacement_keeps_the_old_resource(world):
    world.deploy(_template())
    world.log.clear()
    with pytest.raises(ResourceFailed, match="A"):
        world.deploy(_template(A={"Name": "a2", "Fail": "create"}))
    assert world.log == []
    assert world.record().resources["A"].physical_id == "a#1"
    assert "a#1" in world.live


def test_removed_resources_go_dependents_first_after_the_rest(world):
    world.deploy(_template())
    world.log.clear()
    result = world.deploy({"Resources": {"A": _template()["Resources"]["A"]}})
    assert result.deleted == ["C", "B"]
    assert world.log == [("delete", "C", "C#3"), ("delete", "B", "B#2")]
    assert sorted(world.record().resources) == ["A"]


def test_failed_first_deploy_leaves_nothing(world):
    with pytest.raises(ResourceFailed):
        world.deploy(_template(C={"Fail": "create"}))
    assert world.live == {}
    assert world.record() is None


def test_rollback_failure_is_recorded_and_destroy_finishes_the_job(world):
    template = _template(C={"Fail": "create"})
    template["Resources"]["A"]["Properties"]["Fail"] = "delete"
    with pytest.raises(ResourceFailed):
        world.deploy(template)
    record = world.record()
    assert record.status == "ROLLBACK_FAILED" and sorted(record.resources) == ["A"]
    assert "boom on delete" in record.status_reason
    with pytest.raises(ResourceFailed, match="delete of A"):
        world.destroy()
    assert world.record().status == "DELETE_FAILED"


def test_destroy_deletes_in_reverse_dependency_order(world):
    world.deploy(_template())
    world.log.clear()
    assert world.destroy() == ["C", "B", "A"]
    assert world.live == {} and world.record() is None


def test_retain_keeps_the_resource(world):
    template = _template()
    template["Resources"]["C"]["DeletionPolicy"] = "Retain"
    world.deploy(template)
    world.destroy()
    assert list(world.live) == ["C#3"]
