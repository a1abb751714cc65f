"""From sampled files to planned tables: table roots, partition keys, columns. Pure.

Glue's rules as reproduced here: files under an include path form one table when their
formats match, their folder depth is the same and their schemas are similar; otherwise each
top-level folder is tried as its own table (so `daily_summary/`, `hourly_metrics/`, ...
become tables named after the folders). Folder levels below a table root are partitions:
`key=value` folders give a column `key`, other folders `partition_0`, `partition_1`, ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from localcloud.glue.crawler.hive_types import HiveType, merge_fields

SIMILARITY = 0.7  # share of column names two files must have in common to share a table


@dataclass
class DataFile:
    """One sampled object: its folders below the crawl root and what its sample showed."""

    key: str
    parts: list[str]
    fmt: str
    columns: list[tuple[str, HiveType]]
    size: int = 0
    records: int = 0


@dataclass
class TablePlan:
    """A table the crawl found: where it lives, its columns and partitions."""

    name: str
    location: str
    fmt: str
    columns: list[tuple[str, HiveType]]
    partition_keys: list[str]
    partitions: dict[tuple[str, ...], str] = field(default_factory=dict)
    files: list[DataFile] = field(default_factory=list)


def plan_tables(
    bucket: str, root_prefix: str, files: list[DataFile], default_name: str,
    combine_compatible: bool = False, table_depth: int | None = None,
) -> list[TablePlan]:
    """Tables for the files under s3://bucket/root_prefix (parts relative to it).

    `table_depth` (from the crawler's TableLevelConfiguration) puts every table root that many
    folders below the include path instead of deciding by schema similarity."""
    groups = (
        _group(files, 0, combine_compatible) if table_depth is None
        else _group_at(files, table_depth)
    )
    plans = []
    for depth, group in groups:
        plans.append(_plan(bucket, root_prefix, depth, group, default_name))
    _deduplicate_names(plans)
    return plans


def plan_catalog_table(
    name: str, location: str, partition_keys: list[str], files: list[DataFile], fmt: str
) -> TablePlan:
    """A declared table crawled as a catalog target: its first folder levels map onto its
    partition keys in order; files not that deep are ignored."""
    keys = list(partition_keys)
    used = [f for f in files if len(f.parts) >= len(keys)]
    partitions = {}
    for f in used:
        values = tuple(_partition_value(p) for p in f.parts[: len(keys)])
        partitions[values] = location.rstrip("/") + "/" + "".join(
            p + "/" for p in f.parts[: len(keys)]
        )
    return TablePlan(name, location, fmt, _columns(used, keys), keys, partitions, used)


def table_name(text: str, prefix: str = "") -> str:
    """Glue's table naming: lower case, anything but letters, digits and `_` becomes `_`."""
    return prefix + re.sub(r"[^a-z0-9_]", "_", text.lower())


def glob_to_regex(pattern: str) -> re.Pattern:
    """Glue exclusion globs: `*` within a folder, `**` across folders, `?`, `[..]`, `{a,b}`."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "{":
            end = pattern.index("}", i)
            out.append("(" + "|".join(re.escape(p) for p in pattern[i + 1:end].split(",")) + ")")
            i = end
        elif ch == "[":
            end = pattern.index("]", i)
            out.append(pattern[i:end + 1])
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("^" + "".join(out) + "$")


def is_excluded(relative_key: str, patterns: list[re.Pattern]) -> bool:
    return any(p.match(relative_key) for p in patterns)


def _group(files: list[DataFile], depth: int, combine: bool) -> list[tuple[int, list[DataFile]]]:
    if not files:
        return []
    if _compatible(files, combine) or _hive_partition_level(files, depth):
        return [(depth, files)]
    children: dict[str | None, list[DataFile]] = {}
    for f in files:
        children.setdefault(f.parts[depth] if len(f.parts) > depth else None, []).append(f)
    if len(children) == 1 and None not in children:
        return _group(files, depth + 1, combine)
    groups = []
    for child, members in sorted(children.items(), key=lambda kv: kv[0] or ""):
        if child is None:  # files beside folders that hold other tables: a table of their own
            groups += _split_by_format(members, depth)
        else:
            groups += _group(members, depth + 1, combine)
    return groups


def _group_at(files: list[DataFile], depth: int) -> list[tuple[int, list[DataFile]]]:
    by_root: dict[tuple[str, ...], list[DataFile]] = {}
    for f in files:
        if len(f.parts) >= depth:
            by_root.setdefault(tuple(f.parts[:depth]), []).append(f)
    groups = []
    for _root, members in sorted(by_root.items()):
        # One layout per table: the most common folder depth (others cannot be partitions).
        depths = [len(f.parts) for f in members]
        common = max(set(depths), key=depths.count)
        groups.append((depth, [f for f in members if len(f.parts) == common]))
    return groups


def _split_by_format(files: list[DataFile], depth: int) -> list[tuple[int, list[DataFile]]]:
    by_format: dict[str, list[DataFile]] = {}
    for f in files:
        by_format.setdefault(f.fmt, []).append(f)
    return [(depth, group) for _fmt, group in sorted(by_format.items())]


def _compatible(files: list[DataFile], combine: bool) -> bool:
    first = files[0]
    if any(f.fmt != first.fmt or len(f.parts) != len(first.parts) for f in files):
        return False
    if combine:
        return True
    schemas = list({frozenset(n.lower() for n, _t in f.columns) for f in files})
    return all(_similar(a, b) for i, a in enumerate(schemas) for b in schemas[i + 1:])


def _similar(a: frozenset, b: frozenset) -> bool:
    # Columns added over time (one set within the other) or mostly the same columns.
    return a <= b or b <= a or len(a & b) / len(a | b) >= SIMILARITY


def _hive_partition_level(files: list[DataFile], depth: int) -> bool:
    """All files sit in `key=value` folders of the same key at `depth`: a partition level,
    never a table boundary, whatever the schemas below it."""
    names = [f.parts[depth] for f in files if len(f.parts) > depth]
    if len(names) != len(files) or not all("=" in n for n in names):
        return False
    first = files[0]
    if any(f.fmt != first.fmt or len(f.parts) != len(first.parts) for f in files):
        return False
    return len({n.split("=", 1)[0] for n in names}) == 1


def _plan(
    bucket: str, root_prefix: str, depth: int, files: list[DataFile], default_name: str
) -> TablePlan:
    folders = files[0].parts[:depth]
    levels = len(files[0].parts) - depth
    keys = [_partition_key(i, [f.parts[depth + i] for f in files]) for i in range(levels)]
    base = f"s3://{bucket}/{root_prefix}" + "".join(p + "/" for p in folders)
    partitions = {}
    for f in files:
        values = tuple(_partition_value(p) for p in f.parts[depth:])
        if values:
            partitions[values] = base + "".join(p + "/" for p in f.parts[depth:])
    name = folders[-1] if folders else default_name
    return TablePlan(name, base, files[0].fmt, _columns(files, keys), keys, partitions, files)


def _partition_key(level: int, names: list[str]) -> str:
    keys = {n.split("=", 1)[0] for n in names if "=" in n}
    if len(keys) == 1 and all("=" in n for n in names):
        return keys.pop().lower()
    return f"partition_{level}"


def _partition_value(folder: str) -> str:
    return folder.split("=", 1)[1] if "=" in folder else folder


def _columns(files: list[DataFile], partition_keys: list[str]) -> list[tuple[str, HiveType]]:
    merged: list[tuple[str, HiveType]] = []
    for f in files:
        merged = merge_fields(merged, f.columns)
    keys = {k.lower() for k in partition_keys}
    return [(n, t) for n, t in merged if n.lower() not in keys]


def _deduplicate_names(plans: list[TablePlan]) -> None:
    seen: dict[str, int] = {}
    for plan in plans:
        count = seen.get(plan.name, 0)
        seen[plan.name] = count + 1
        if count:
            plan.name = f"{plan.name}_{count}"
