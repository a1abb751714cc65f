"""AWS::Glue::Database, Table, Crawler, Job and SecurityConfiguration through the Glue API.

Where the endpoint lacks an Update* operation (moto implements no UpdateCrawler/UpdateJob), an
update deletes and re-creates the resource under the same name, all properties applied.
"""

from __future__ import annotations

import logging
from typing import Any

from localcloud.provision.base import (
    ALL,
    Provisioned,
    ResourceHandler,
    as_float,
    as_int,
    compact,
    ignore_missing,
    is_unimplemented,
    tag_dict,
)

_logger = logging.getLogger(__name__)


def _catalog(props: dict[str, Any]) -> dict[str, Any]:
    return compact(CatalogId=props.get("CatalogId"))


# What AWS::Glue::Crawler accepts: Name, Tags and what crawler_request reads.
CRAWLER_PROPERTIES = frozenset(
    {
        "Name", "Tags", "Role", "DatabaseName", "Description", "Targets", "Schedule",
        "Classifiers", "TablePrefix", "SchemaChangePolicy", "RecrawlPolicy",
        "LineageConfiguration", "LakeFormationConfiguration", "Configuration",
        "CrawlerSecurityConfiguration",
    }
)


def crawler_request(props: dict[str, Any]) -> dict[str, Any]:
    """CreateCrawler/UpdateCrawler keyword arguments except Name (pure)."""
    schedule = props.get("Schedule")
    return compact(
        Role=props["Role"],
        DatabaseName=props.get("DatabaseName"),
        Description=props.get("Description"),
        Targets=props["Targets"],
        Schedule=schedule.get("ScheduleExpression") if isinstance(schedule, dict) else schedule,
        Classifiers=props.get("Classifiers"),
        TablePrefix=props.get("TablePrefix"),
        SchemaChangePolicy=props.get("SchemaChangePolicy"),
        RecrawlPolicy=props.get("RecrawlPolicy"),
        LineageConfiguration=props.get("LineageConfiguration"),
        LakeFormationConfiguration=props.get("LakeFormationConfiguration"),
        Configuration=props.get("Configuration"),
        CrawlerSecurityConfiguration=props.get("CrawlerSecurityConfiguration"),
    )


# What AWS::Glue::Job accepts: Name, Tags and what job_request reads.
JOB_PROPERTIES = frozenset(
    {
        "Name", "Tags", "Role", "Command", "Description", "LogUri", "ExecutionProperty",
        "DefaultArguments", "NonOverridableArguments", "Connections", "MaxRetries",
        "AllocatedCapacity", "Timeout", "MaxCapacity", "SecurityConfiguration",
        "NotificationProperty", "GlueVersion", "NumberOfWorkers", "WorkerType", "ExecutionClass",
        "MaintenanceWindow",
    }
)


def job_request(props: dict[str, Any]) -> dict[str, Any]:
    """CreateJob keyword arguments except Name and Tags (pure)."""
    command = dict(props["Command"])
    return compact(
        Role=props["Role"],
        Command=command,
        Description=props.get("Description"),
        LogUri=props.get("LogUri"),
        ExecutionProperty=compact(
            MaxConcurrentRuns=as_int(props["ExecutionProperty"].get("MaxConcurrentRuns"))
        )
        if "ExecutionProperty" in props
        else None,
        DefaultArguments={k: str(v) for k, v in props.get("DefaultArguments", {}).items()} or None,
        NonOverridableArguments=props.get("NonOverridableArguments"),
        Connections=props.get("Connections"),
        MaxRetries=as_int(props.get("MaxRetries")),
        AllocatedCapacity=as_int(props.get("AllocatedCapacity")),
        Timeout=as_int(props.get("Timeout")),
        MaxCapacity=as_float(props.get("MaxCapacity")),
        SecurityConfiguration=props.get("SecurityConfiguration"),
        NotificationProperty=compact(
            NotifyDelayAfter=as_int(props["NotificationProperty"].get("NotifyDelayAfter"))
        )
        if "NotificationProperty" in props
        else None,
        GlueVersion=props.get("GlueVersion"),
        NumberOfWorkers=as_int(props.get("NumberOfWorkers")),
        WorkerType=props.get("WorkerType"),
        ExecutionClass=props.get("ExecutionClass"),
        MaintenanceWindow=props.get("MaintenanceWindow"),
    )


class DatabaseHandler(ResourceHandler):
    type_name = "AWS::Glue::Database"
    properties = frozenset({"CatalogId", "DatabaseInput", "DatabaseName"})
    required = frozenset({"CatalogId", "DatabaseInput"})
    replace_on = frozenset({"CatalogId"})

    def create(self, ctx, props):
        database = dict(props["DatabaseInput"])
        database.setdefault("Name", props.get("DatabaseName") or ctx.physical_name(255, True, "_"))
        ctx.client("glue").create_database(DatabaseInput=database, **_catalog(props))
        return Provisioned(database["Name"])

    def update(self, ctx, current, old, new):
        database = dict(new["DatabaseInput"])
        database.setdefault("Name", current.physical_id)
        ctx.client("glue").update_database(
            Name=current.physical_id, DatabaseInput=database, **_catalog(new)
        )
        return current

    def needs_replacement(self, old, new):
        old_name = old.get("DatabaseInput", {}).get("Name")
        new_name = new.get("DatabaseInput", {}).get("Name")
        return old_name != new_name or super().needs_replacement(old, new)

    def delete(self, ctx, current, props):
        glue = ctx.client("glue")
        ignore_missing(lambda: glue.delete_database(Name=current.physical_id, **_catalog(props)))


class TableHandler(ResourceHandler):
    type_name = "AWS::Glue::Table"
    properties = frozenset({"CatalogId", "DatabaseName", "TableInput", "OpenTableFormatInput"})
    required = frozenset({"CatalogId", "DatabaseName", "TableInput"})
    replace_on = frozenset({"CatalogId", "DatabaseName", "OpenTableFormatInput"})

    def create(self, ctx, props):
        table = dict(props["TableInput"])
        table.setdefault("Name", ctx.physical_name(255, True, "_"))
        ctx.client("glue").create_table(
            DatabaseName=props["DatabaseName"], TableInput=table, **_catalog(props)
        )
        return Provisioned(table["Name"])

    def needs_replacement(self, old, new):
        return old.get("TableInput", {}).get("Name") != new.get("TableInput", {}).get(
            "Name"
        ) or super().needs_replacement(old, new)

    def update(self, ctx, current, old, new):
        table = dict(new["TableInput"])
        table.setdefault("Name", current.physical_id)
        ctx.client("glue").update_table(
            DatabaseName=new["DatabaseName"], TableInput=table, **_catalog(new)
        )
        return current

    def delete(self, ctx, current, props):
        glue = ctx.client("glue")
        ignore_missing(
            lambda: glue.delete_table(
                DatabaseName=props["DatabaseName"], Name=current.physical_id, **_catalog(props)
            )
        )


class _NamedGlueHandler(ResourceHandler):
    """A crawler or a job: created under its name with its tags, updated in place, or deleted
    and re-created under the same name where the endpoint lacks the Update* operation; a new
    Name replaces it. The API calls follow from the type name (`AWS::Glue::Crawler`:
    create_crawler, update_crawler, delete_crawler); subclasses give `request`, the Create*
    keyword arguments except Name and Tags."""

    replace_on = frozenset({"Name"})
    name_argument = "Name"  # how the Update*/Delete* calls name the resource
    update_wrapper: str | None = None  # the Update* argument that holds the request, if any

    @property
    def kind(self) -> str:
        return self.type_name.rsplit(":", 1)[-1].lower()

    def create(self, ctx, props):
        name = props.get("Name") or ctx.physical_name(255)
        self._create(ctx.client("glue"), name, props)
        return Provisioned(name)

    def update(self, ctx, current, old, new):
        glue = ctx.client("glue")
        name = current.physical_id
        request = self.request(new)
        if self.update_wrapper:
            request = {self.update_wrapper: request}
        try:
            getattr(glue, f"update_{self.kind}")(**{self.name_argument: name}, **request)
        except Exception as error:
            if not is_unimplemented(error):
                raise
            kind = self.kind
            _logger.info("Update%s unavailable: re-creating %s %s", kind.capitalize(), kind, name)
            self._delete(glue, name)
            self._create(glue, name, new)
        return current

    def delete(self, ctx, current, props):
        glue = ctx.client("glue")
        ignore_missing(lambda: self._delete(glue, current.physical_id))

    @staticmethod
    def request(props: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _create(self, glue, name: str, props: dict[str, Any]) -> None:
        create = getattr(glue, f"create_{self.kind}")
        create(Name=name, Tags=tag_dict(props.get("Tags")), **self.request(props))

    def _delete(self, glue, name: str) -> None:
        getattr(glue, f"delete_{self.kind}")(**{self.name_argument: name})


class CrawlerHandler(_NamedGlueHandler):
    type_name = "AWS::Glue::Crawler"
    properties = CRAWLER_PROPERTIES
    required = frozenset({"Role", "Targets"})
    request = staticmethod(crawler_request)


class JobHandler(_NamedGlueHandler):
    type_name = "AWS::Glue::Job"
    properties = JOB_PROPERTIES
    required = frozenset({"Role", "Command"})
    request = staticmethod(job_request)
    name_argument = "JobName"  # UpdateJob and DeleteJob take JobName (CreateJob takes Name)
    update_wrapper = "JobUpdate"  # UpdateJob takes the CreateJob arguments as one JobUpdate


def security_configuration_request(props: dict[str, Any]) -> dict[str, Any]:
    """CreateSecurityConfiguration's EncryptionConfiguration from the template's (pure): the
    template says S3Encryptions, the API S3Encryption."""
    template = props["EncryptionConfiguration"]
    return compact(
        S3Encryption=template.get("S3Encryptions"),
        CloudWatchEncryption=template.get("CloudWatchEncryption"),
        JobBookmarksEncryption=template.get("JobBookmarksEncryption"),
    )


class SecurityConfigurationHandler(ResourceHandler):
    """Recorded by the endpoint and named by jobs and crawlers; the local Glue runtime does not
    encrypt what jobs write with it (docs/localcloud.md, differences)."""

    type_name = "AWS::Glue::SecurityConfiguration"
    properties = frozenset({"Name", "EncryptionConfiguration"})
    required = properties
    replace_on = ALL  # Glue has no UpdateSecurityConfiguration

    def create(self, ctx, props):
        ctx.client("glue").create_security_configuration(
            Name=props["Name"], EncryptionConfiguration=security_configuration_request(props)
        )
        return Provisioned(props["Name"])

    def delete(self, ctx, current, props):
        glue = ctx.client("glue")
        ignore_missing(lambda: glue.delete_security_configuration(Name=current.physical_id))


HANDLERS = [
    DatabaseHandler(),
    TableHandler(),
    CrawlerHandler(),
    JobHandler(),
    SecurityConfigurationHandler(),
]
