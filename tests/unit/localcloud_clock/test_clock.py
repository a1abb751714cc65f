import threading
from types import SimpleNamespace

import pytest

from localcloud.clock import Clock, ManualClock, clock_for


class FakeTime:
    def __init__(self, start=1000.0):
        self.now = start
        self.slept = []

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_scaled_clock_runs_faster_and_sleeps_shorter():
    real = FakeTime()
    clock = Clock(60, real_time=real.time, real_sleep=real.sleep)
    assert clock.now() == 1000.0
    real.now += 2  # two real seconds
    assert clock.now() == 1120.0
    assert clock.from_real(1001.0) == 1060.0
    clock.sleep(3600)  # one simulated hour
    assert real.slept == [60.0]
    assert clock.real_seconds(30) == 0.5


def test_advance_jumps_forward_only():
    real = FakeTime()
    clock = Clock(1, real_time=real.time, real_sleep=real.sleep)
    clock.advance(7200)
    assert clock.now() == 8200.0
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_invalid_scale_and_cancellable_sleep():
    with pytest.raises(ValueError):
        Clock(0)
    cancel = threading.Event()
    cancel.set()
    assert Clock(1000).sleep(3600, cancel) is False  # returns at once when cancelled


def test_manual_clock_and_one_clock_per_cloud():
    manual = ManualClock(start=5)
    manual.sleep(10)
    assert manual.now() == 15 and manual.sleeps == [10]
    cloud = SimpleNamespace(config=SimpleNamespace(time_scale=60), services={})
    assert clock_for(cloud) is clock_for(cloud) and clock_for(cloud).time_scale == 60
    assert cloud.services["clock"] is clock_for(cloud)
