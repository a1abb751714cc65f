"""Statistics of repeated measurements: median, min and max, and ratios taken pairwise (a
measurement and its baseline from the same repetition) so machine noise hits both alike."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Summary:
    """Median, min and max of `n` samples."""

    median: float
    min: float
    max: float
    n: int

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def summarize(samples: Sequence[float]) -> Summary:
    """Median/min/max of `samples`; a clear error for none or a non-finite value."""
    values = [float(v) for v in samples]
    if not values:
        raise ValueError("samples must not be empty")
    for value in values:
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"samples must be finite numbers, got {value!r}")
    return Summary(statistics.median(values), min(values), max(values), len(values))


def ratios(measured: Sequence[float], baseline: Sequence[float]) -> list[float]:
    """measured[i] / baseline[i] for each repetition i (same length, baselines > 0)."""
    if len(measured) != len(baseline):
        raise ValueError(
            f"measured and baseline must pair up: {len(measured)} vs {len(baseline)} samples"
        )
    out = []
    for value, base in zip(measured, baseline, strict=True):
        if base <= 0:
            raise ValueError(f"baseline samples must be > 0, got {base!r}")
        out.append(value / base)
    return out


def ratio_summary(measured: Sequence[float], baseline: Sequence[float]) -> Summary:
    """Summary of the per-repetition ratios measured/baseline."""
    return summarize(ratios(measured, baseline))


def meets_goal(value: float, op: str, threshold: float) -> bool:
    """Whether `value` satisfies the goal `op threshold` (op one of <=, <, >=, >)."""
    checks = {
        "<=": value <= threshold,
        "<": value < threshold,
        ">=": value >= threshold,
        ">": value > threshold,
    }
    if op not in checks:
        raise ValueError(f"goal operator must be one of {sorted(checks)}, got {op!r}")
    return checks[op]


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """Least-squares (intercept, slope) of y = a + b·x through at least two distinct x."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("linear_fit needs at least two (x, y) pairs of equal length")
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        raise ValueError("linear_fit needs at least two distinct x values")
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return mean_y - slope * mean_x, slope
