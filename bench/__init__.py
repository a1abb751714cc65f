"""Benchmarks of the lake on the local cloud: each figure is a ratio against a baseline measured
in the same run (medians of several repetitions with min and max), plus the AWS cost per
million events computed from what the run counted. `python -m bench` runs them all."""
