"""Processing layer: both Glue jobs, their sizing and the arguments the scripts read."""

from __future__ import annotations

import pytest

RAW = "s3://${AWS::StackName}-raw-${AWS::AccountId}-${AWS::Region}/"
PROCESSED = "s3://${AWS::StackName}-processed-${AWS::AccountId}-${AWS::Region}/"
CURATED = "s3://${AWS::StackName}-curated-${AWS::AccountId}-${AWS::Region}/"
WHEEL = "s3://${ArtifactsBucketName}/${PackageWheelKey}"


def _subs(arguments: dict) -> dict:
    return {k: v["Fn::Sub"] if isinstance(v, dict) else v for k, v in arguments.items()}


@pytest.mark.parametrize(
    "logical_id,name,script",
    [
        ("RawToProcessedJob", "raw-to-processed", "RawToProcessedScriptKey"),
        ("ProcessedToCuratedJob", "processed-to-curated", "ProcessedToCuratedScriptKey"),
    ],
)
def test_jobs_run_the_uploaded_script_on_glue_4_g1x_x2(view, logical_id, name, script):
    job = view.props(logical_id)
    assert job["Name"] == {"Fn::Sub": "${AWS::StackName}-" + name}
    assert job["Command"]["Name"] == "glueetl"
    assert job["Command"]["ScriptLocation"] == {
        "Fn::Sub": "s3://${ArtifactsBucketName}/${" + script + "}"
    }
    assert job["GlueVersion"] == {"Ref": "GlueVersion"}
    assert job["WorkerType"] == {"Ref": "GlueWorkerType"}
    assert job["NumberOfWorkers"] == {"Ref": "GlueNumberOfWorkers"}
    assert job["ExecutionProperty"] == {"MaxConcurrentRuns": 1}
    assert job["Role"] == {"Fn::GetAtt": ["GlueJobRole", "Arn"]}
    args = _subs(job["DefaultArguments"])
    assert args["--extra-py-files"] == WHEEL
    # Every wheel pip needs is in the artifacts bucket, and pip may not look anywhere else.
    deps = "s3://${ArtifactsBucketName}/packages/glue-deps/"
    assert args["--additional-python-modules"].split(",") == [
        WHEEL,
        deps + "attrs-26.1.0-py3-none-any.whl",
        deps + "jsonschema-4.26.0-py3-none-any.whl",
        deps + "jsonschema_specifications-2025.9.1-py3-none-any.whl",
        deps + "referencing-0.37.0-py3-none-any.whl",
        deps + "rpds_py-2026.9.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        deps + "typing_extensions-4.16.0-py3-none-any.whl",
    ]
    assert args["--python-modules-installer-option"] == "--no-index"
    assert args["--continuous-log-logGroup"] == "/aws-glue/jobs/${AWS::StackName}-" + name


def test_raw_to_processed_arguments_are_the_contracts(view):
    args = _subs(view.props("RawToProcessedJob")["DefaultArguments"])
    assert args["--job-bookmark-option"] == "job-bookmark-enable"
    assert args["--raw_path"] == RAW
    assert args["--processed_path"] == PROCESSED + "processed_data/"
    assert args["--quarantine_path"] == PROCESSED + "quarantine/"
    assert "--curated_path" not in args


def test_processed_to_curated_arguments_are_the_contracts(view):
    args = _subs(view.props("ProcessedToCuratedJob")["DefaultArguments"])
    assert args["--processed_path"] == PROCESSED + "processed_data/"
    assert args["--curated_path"] == CURATED
    assert "--raw_path" not in args


def test_glue_log_groups_exist_for_each_job(view):
    names = {
        g["Properties"]["LogGroupName"]["Fn::Sub"]
        for g in view.of_type("AWS::Logs::LogGroup").values()
    }
    assert "/aws-glue/jobs/${AWS::StackName}-raw-to-processed" in names
    assert "/aws-glue/jobs/${AWS::StackName}-processed-to-curated" in names


def _load_script(name: str):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "glue_jobs" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_glue_script_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "logical_id,script",
    [
        ("RawToProcessedJob", "raw_to_processed"),
        ("ProcessedToCuratedJob", "processed_to_curated"),
    ],
)
def test_scripts_parse_the_default_arguments(view, logical_id, script):
    """What Glue would pass (DefaultArguments + JOB_NAME) is what each script reads."""
    module = _load_script(script)
    args = _subs(view.props(logical_id)["DefaultArguments"])
    resolved = {
        k: v.replace("${AWS::StackName}", "lake")
        .replace("${AWS::AccountId}", "1")
        .replace("${AWS::Region}", "r")
        for k, v in args.items()
    }
    argv = ["script.py", "--JOB_NAME", "lake-job"]
    for key, value in sorted(resolved.items()):
        argv += [key, value]
    parsed = module.parse_arguments(argv)
    script_names = {k[2:] for k in args if "-" not in k[2:] and k[2:].islower()}
    declared = set(module.ARGUMENTS[1:]) | set(getattr(module, "OPTIONAL_ARGUMENTS", []))
    assert script_names == declared
    for name in script_names:
        assert parsed[name] == resolved["--" + name]
    assert parsed["JOB_NAME"] == "lake-job"
