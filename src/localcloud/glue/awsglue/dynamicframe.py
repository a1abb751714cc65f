"""`DynamicFrame`: here a thin wrapper over a Spark DataFrame with Glue's method names."""

from __future__ import annotations

from typing import Any


class DynamicFrame:
    """A named DataFrame. `toDF()` / `fromDF()` convert, as the lake's scripts use them."""

    def __init__(self, dataframe: Any, glue_ctx: Any, name: str = "") -> None:
        self._df = dataframe
        self.glue_ctx = glue_ctx
        self.name = name

    @staticmethod
    def fromDF(dataframe: Any, glue_ctx: Any, name: str) -> DynamicFrame:
        """Wrap a Spark DataFrame (same call as awsglue.dynamicframe.DynamicFrame.fromDF)."""
        return DynamicFrame(dataframe, glue_ctx, name)

    def toDF(self) -> Any:
        """The Spark DataFrame."""
        return self._df

    def count(self) -> int:
        return self._df.count()

    def schema(self) -> Any:
        return self._df.schema

    def printSchema(self) -> None:
        self._df.printSchema()

    def show(self, num_rows: int = 20) -> None:
        self._df.show(num_rows)

    def repartition(self, num_partitions: int) -> DynamicFrame:
        return DynamicFrame(self._df.repartition(num_partitions), self.glue_ctx, self.name)

    def coalesce(self, num_partitions: int) -> DynamicFrame:
        return DynamicFrame(self._df.coalesce(num_partitions), self.glue_ctx, self.name)

    def select_fields(self, paths: list[str], transformation_ctx: str = "") -> DynamicFrame:
        return DynamicFrame(self._df.select(*paths), self.glue_ctx, self.name)

    def drop_fields(self, paths: list[str], transformation_ctx: str = "") -> DynamicFrame:
        return DynamicFrame(self._df.drop(*paths), self.glue_ctx, self.name)

    def rename_field(
        self, oldName: str, newName: str, transformation_ctx: str = ""
    ) -> DynamicFrame:
        return DynamicFrame(
            self._df.withColumnRenamed(oldName, newName), self.glue_ctx, self.name
        )
