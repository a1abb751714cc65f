import collections
from types import SimpleNamespace

from localcloud.glue.warm import Relay, WarmPool


class _Sink:
    def __init__(self):
        self.lines = []

    def write(self, line):
        self.lines.append(line)


def test_relay_keeps_lines_until_attached_then_forwards():
    relay, sink, tail = Relay(), _Sink(), collections.deque(maxlen=2)
    relay.write("startup 1")
    relay.write("startup 2")
    assert sink.lines == []
    relay.attach([sink], tail)
    relay.write("run")
    assert sink.lines == ["startup 1", "startup 2", "run"]
    assert list(tail) == ["startup 2", "run"]


def _driver(signature, alive=True):
    driver = SimpleNamespace(signature=signature, discarded=False,
                             process=SimpleNamespace(poll=lambda: None if alive else 1))
    driver.discard = lambda: setattr(driver, "discarded", True)
    return driver


def test_pool_hands_out_only_a_live_driver_with_the_same_settings():
    pool = WarmPool()
    first = _driver(("local[*]",))
    pool.offer(first)
    assert pool.take(("local-cluster[2,1,1024]",)) is None and first.discarded
    live = _driver(("local[*]",))
    pool.offer(live)
    assert pool.has(("local[*]",)) and pool.take(("local[*]",)) is live
    assert pool.take(("local[*]",)) is None
    dead = _driver(("local[*]",), alive=False)
    pool.offer(dead)
    assert pool.take(("local[*]",)) is None and dead.discarded


def test_closed_pool_discards_late_offers():
    pool = WarmPool()
    pool.close()
    late = _driver(("local[*]",))
    pool.offer(late)
    assert late.discarded and pool.spare() is None


def _launcher():
    import importlib.util

    from localcloud.glue.runner import LAUNCHER

    spec = importlib.util.spec_from_file_location("glue_launcher_under_test", LAUNCHER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_spare_waits_for_its_run_and_ends_when_nobody_can_hand_it_one(tmp_path):
    launcher = _launcher()
    (tmp_path / "run.json").write_text('{"script": "s.py"}')
    assert launcher.await_request(str(tmp_path), lambda: True) == {"script": "s.py"}
    (tmp_path / "run.json").unlink()
    # the cloud that started the spare is gone
    assert launcher.await_request(str(tmp_path), lambda: False, interval=0.01) is None
    # its control folder was removed
    assert launcher.await_request(str(tmp_path / "gone"), lambda: True, interval=0.01) is None
