"""The most used `awsglue.transforms` (`from awsglue.transforms import *` in Glue's generated
scripts): ApplyMapping, SelectFields, DropFields, RenameField, over the wrapped DataFrame."""

from __future__ import annotations

from awsglue.dynamicframe import DynamicFrame

__all__ = ["ApplyMapping", "DropFields", "RenameField", "SelectFields"]


class ApplyMapping:
    """`ApplyMapping.apply(frame=f, mappings=[(source, source_type, target, target_type)])`:
    only the mapped fields, cast to the target types and renamed (dots reach nested fields)."""

    @staticmethod
    def apply(frame: DynamicFrame, mappings: list, transformation_ctx: str = "",
              **_kwargs) -> DynamicFrame:
        from pyspark.sql.functions import col

        columns = []
        for mapping in mappings:
            if len(mapping) != 4:
                raise ValueError(f"ApplyMapping mapping {mapping!r}: expected 4 items "
                                 "(source, source_type, target, target_type)")
            source, _source_type, target, target_type = mapping
            columns.append(col(source).cast(target_type).alias(target))
        return DynamicFrame(frame.toDF().select(*columns), frame.glue_ctx, transformation_ctx)


class SelectFields:
    @staticmethod
    def apply(frame: DynamicFrame, paths: list[str], transformation_ctx: str = "",
              **_kwargs) -> DynamicFrame:
        return frame.select_fields(paths, transformation_ctx)


class DropFields:
    @staticmethod
    def apply(frame: DynamicFrame, paths: list[str], transformation_ctx: str = "",
              **_kwargs) -> DynamicFrame:
        return frame.drop_fields(paths, transformation_ctx)


class RenameField:
    @staticmethod
    def apply(frame: DynamicFrame, old_name: str, new_name: str, transformation_ctx: str = "",
              **_kwargs) -> DynamicFrame:
        return frame.rename_field(old_name, new_name, transformation_ctx)
