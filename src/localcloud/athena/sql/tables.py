"""The catalog tables a query reads: finding table references (not CTEs), naming them for
DuckDB, and the WHERE conjuncts that can prune each reference's partitions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from localcloud.athena.catalog import DEFAULT_CATALOG


@dataclass
class TableRef:
    """One occurrence of a catalog table in a query (each is read and pruned on its own)."""

    node: exp.Table
    catalog: str | None
    database: str | None
    name: str
    internal: str  # the DuckDB relation that holds this occurrence's rows

    @property
    def alias(self) -> str:
        return self.node.alias_or_name


def find_table_refs(tree: exp.Expression) -> list[TableRef]:
    """Catalog table references of `tree`, skipping CTE names and table functions."""
    cte_names = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    refs = []
    for node in tree.find_all(exp.Table):
        if not isinstance(node.this, exp.Identifier):
            continue  # a table function such as UNNEST or VALUES
        if not node.args.get("db") and node.name.lower() in cte_names:
            continue
        refs.append(
            TableRef(
                node=node,
                catalog=node.catalog or None,
                database=node.db or None,
                name=node.name,
                internal=f"__t{len(refs)}",
            )
        )
    return refs


def replace_table_refs(refs: list[TableRef]) -> None:
    """Point each reference at its DuckDB relation, keeping the name queries qualify with."""
    for ref in refs:
        alias = ref.node.args.get("alias")
        replacement = exp.Table(this=exp.to_identifier(ref.internal))
        replacement.set(
            "alias", alias.copy() if alias else exp.TableAlias(this=exp.to_identifier(ref.name))
        )
        ref.node.replace(replacement)
        ref.node = replacement


def _sources_of(select: exp.Select) -> list[exp.Expression]:
    sources = []
    from_ = select.args.get("from_") or select.args.get("from")
    if from_ is not None:
        sources.append(from_.this)
    for join in select.args.get("joins") or []:
        sources.append(join.this)
    return sources


def _outer_joined(select: exp.Select, node: exp.Table) -> bool:
    """True when `node` may be on the NULL-producing side of an outer join (no pruning there)."""
    for join in select.args.get("joins") or []:
        side = (join.side or "").upper()
        if side in ("RIGHT", "FULL"):
            return True
        if join.this is node and side == "LEFT":
            return True
    return False


def pruning_conjuncts(
    ref: TableRef, partition_keys: set[str], other_columns: dict[str, set[str]]
) -> list[exp.Expression]:
    """The WHERE conjuncts of the SELECT reading `ref` that only involve `ref`'s partition keys.

    `other_columns` maps each other source alias of that SELECT to its column names (None-like
    empty set for sources we cannot see into, which makes unqualified names ambiguous).
    Returned conjuncts are copies with column qualifiers removed.
    """
    select = ref.node.parent_select
    if select is None or not any(s is ref.node for s in _sources_of(select)):
        return []
    if _outer_joined(select, ref.node):
        return []
    where = select.args.get("where")
    if where is None:
        return []
    alias = ref.alias.lower()
    kept = []
    for conjunct in where.this.flatten() if isinstance(where.this, exp.And) else [where.this]:
        if _prunes(conjunct, alias, partition_keys, other_columns):
            stripped = conjunct.copy()
            for column in stripped.find_all(exp.Column):
                column.set("table", None)
            kept.append(stripped)
    return kept


def _prunes(
    conjunct: exp.Expression, alias: str, keys: set[str], others: dict[str, set[str] | None]
) -> bool:
    columns = list(conjunct.find_all(exp.Column))
    if not columns:
        return False
    if any(conjunct.find_all(exp.Subquery, exp.AggFunc, exp.Window, exp.Placeholder)):
        return False
    if any(isinstance(f, exp.Rand) for f in conjunct.find_all(exp.Func)):
        return False
    for column in columns:
        name, table = column.name.lower(), (column.table or "").lower()
        if name not in keys:
            return False
        if table and table != alias:
            return False
        if not table and any(cols is None or name in cols for cols in others.values()):
            return False
    return True


def qualified(ref: TableRef, default_database: str | None) -> tuple[str, str]:
    """(database, table) of a reference, lower-cased as the catalog stores them."""
    database = ref.database or default_database
    return (database or "").lower(), ref.name.lower()


__all__ = ["DEFAULT_CATALOG", "TableRef", "find_table_refs", "pruning_conjuncts",
           "replace_table_refs", "qualified"]
