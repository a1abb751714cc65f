"""`datalake deploy|destroy|synth`: wiring of packaging, bootstrap and the two targets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botocore.exceptions import NoCredentialsError

import datalake.deploy as deploy_pkg
import datalake.deploy.aws as deploy_aws
import datalake.deploy.bootstrap as bootstrap_mod
import datalake.deploy.local as local_mod
from datalake import aws
from datalake.cli.main import main
from datalake.deploy.package import Artifact, Artifacts

CODE = {
    "IngestionCodeKey": "lambda/i-1.zip",
    "ValidationCodeKey": "lambda/v-1.zip",
    "PackageWheelKey": "packages/1/datalake-0.1.0-py3-none-any.whl",
    "RawToProcessedScriptKey": "glue/r-1.py",
    "ProcessedToCuratedScriptKey": "glue/p-1.py",
}


@pytest.fixture
def wired(monkeypatch, tmp_path):
    """package_all and bootstrap replaced by recorders; outputs go to tmp_path."""
    calls: dict = {}
    monkeypatch.setenv("DATALAKE_BUILD_DIR", str(tmp_path / "build"))
    artifacts = Artifacts(tuple(Artifact(k, Path(v), v, k, "0") for k, v in CODE.items()))

    def fake_package():
        calls["package"] = True
        return artifacts

    def fake_bootstrap(stack, arts, target):
        calls["bootstrap"] = (stack, target)
        return {"ArtifactsBucketName": f"{stack}-artifacts-1-eu-west-1", **arts.parameters}

    monkeypatch.setattr(deploy_pkg, "package_all", fake_package)
    monkeypatch.setattr(deploy_pkg, "bootstrap_artifacts", fake_bootstrap)
    return calls


def test_deploy_local_passes_template_parameters_and_artifacts(
    wired, monkeypatch, capsys, tmp_path
):
    def fake_deploy(stack, template, parameters, artifacts):
        wired["local"] = (stack, template, parameters, artifacts)
        return {"RawBucket": "lake-raw", "ApiUrl": "http://local"}

    monkeypatch.setattr(local_mod, "deploy", fake_deploy)
    code = main(
        ["deploy", "--target", "local", "--stack-name", "lake", "--param", "ApiAuthMode=IAM"]
    )
    assert code == 0
    stack, template, parameters, artifacts = wired["local"]
    assert stack == "lake" and wired["bootstrap"] == ("lake", "local")
    assert template["Parameters"]["ApiAuthMode"]["Default"] == "IAM"
    assert parameters == {
        "ArtifactsBucketName": "lake-artifacts-1-eu-west-1",
        **CODE,
        "ApiAuthMode": "IAM",
    }
    assert artifacts.parameters == CODE
    assert json.loads(capsys.readouterr().out)["RawBucket"] == "lake-raw"
    saved = json.loads((tmp_path / "build" / "lake" / "outputs.json").read_text())
    assert saved == {"RawBucket": "lake-raw", "ApiUrl": "http://local"}


def test_bad_params_are_refused_before_packaging(wired, capsys):
    assert main(["deploy", "--stack-name", "lake", "--param", "GlueWorkerType=G.9X"]) == 1
    assert "GlueWorkerType" in capsys.readouterr().err
    assert "package" not in wired
    assert main(["deploy", "--stack-name", "lake", "--param", "novalue"]) == 1
    assert "expected KEY=VALUE" in capsys.readouterr().err


def test_deploy_aws_without_credentials_says_what_to_do(wired, monkeypatch, capsys):
    class NoCreds:
        def get_caller_identity(self):
            raise NoCredentialsError()

    monkeypatch.setattr(aws, "client", lambda service, target=None: NoCreds())
    assert main(["deploy", "--target", "aws", "--stack-name", "lake"]) == 1
    err = capsys.readouterr().err
    assert "no usable AWS credentials" in err and "AWS_PROFILE" in err
    assert "package" not in wired


def test_deploy_aws_sends_a_large_template_by_url(wired, monkeypatch, capsys):
    class Sts:
        def get_caller_identity(self):
            return {"Arn": "arn:aws:iam::1:user/me", "Account": "1"}

    monkeypatch.setattr(aws, "client", lambda service, target=None: Sts())
    seen = {}

    def fake_upload(s3, bucket, stack, body, region):
        seen["uploaded"] = (bucket, stack, json.loads(body)["Description"])
        return "https://bucket/templates/t.json"

    def fake_deploy_stack(cfn, stack, parameters, **kwargs):
        seen["deploy"] = (stack, parameters, kwargs)
        return {"ApiUrl": "https://api"}

    monkeypatch.setattr(bootstrap_mod, "upload_template", fake_upload)
    monkeypatch.setattr(deploy_aws, "deploy_stack", fake_deploy_stack)
    assert main(["deploy", "--target", "aws", "--stack-name", "lake", "--timeout", "30"]) == 0
    stack, parameters, kwargs = seen["deploy"]
    assert kwargs["template_url"] == "https://bucket/templates/t.json"
    assert "template_body" not in kwargs
    assert kwargs["waiting"].timeout_seconds == 30
    assert kwargs["replace_failed"] is False
    assert seen["uploaded"][0] == "lake-artifacts-1-eu-west-1"
    assert parameters["ArtifactsBucketName"] == "lake-artifacts-1-eu-west-1"


def test_deploy_aws_replace_failed_reaches_deploy_stack(wired, monkeypatch, capsys):
    class Sts:
        def get_caller_identity(self):
            return {"Arn": "arn:aws:iam::1:user/me", "Account": "1"}

    monkeypatch.setattr(aws, "client", lambda service, target=None: Sts())
    monkeypatch.setattr(bootstrap_mod, "upload_template", lambda *a: "https://t")
    seen = {}

    def fake_deploy_stack(cfn, stack, parameters, **kwargs):
        seen.update(kwargs)
        return {}

    monkeypatch.setattr(deploy_aws, "deploy_stack", fake_deploy_stack)
    assert main(["deploy", "--target", "aws", "--stack-name", "lake", "--replace-failed"]) == 0
    assert seen["replace_failed"] is True


@pytest.fixture
def destroy_recorded(monkeypatch):
    """local.destroy and the artifacts-bucket deletion replaced by recorders."""
    seen = []
    monkeypatch.setattr(local_mod, "destroy", lambda stack: seen.append(("destroy", stack)))
    monkeypatch.setattr(
        bootstrap_mod,
        "delete_artifacts_bucket",
        lambda stack, target: seen.append(("artifacts", stack, target)) or True,
    )
    return seen


class Terminal:
    """sys.stdin as a terminal (or not) whose next line is `answer`."""

    def __init__(self, tty: bool, answer: str = "") -> None:
        self.tty, self.answer = tty, answer

    def isatty(self) -> bool:
        return self.tty

    def readline(self) -> str:
        return self.answer + "\n"


def test_destroy_local_removes_stack_and_artifacts(destroy_recorded, capsys):
    assert main(["destroy", "--target", "local", "--stack-name", "lake", "--yes"]) == 0
    assert destroy_recorded == [("destroy", "lake"), ("artifacts", "lake", "local")]
    destroy_recorded.clear()
    assert main(["destroy", "--stack-name", "lake", "--keep-artifacts", "-y"]) == 0
    assert destroy_recorded == [("destroy", "lake")]


def test_destroy_without_a_terminal_and_without_yes_refuses_with_exit_code_2(
    destroy_recorded, monkeypatch, capsys
):
    monkeypatch.setattr("sys.stdin", Terminal(tty=False))
    assert main(["destroy", "--target", "local", "--stack-name", "lake"]) == 2
    assert capsys.readouterr().err == (
        "datalake: error: destroy deletes stack lake (local) and all the data in its buckets; "
        "there is no terminal to ask for confirmation: pass --yes to confirm. Nothing was "
        "deleted.\n"
    )
    assert destroy_recorded == []


def test_destroy_asks_like_cdk_and_goes_on_after_y(destroy_recorded, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", Terminal(tty=True, answer="y"))
    assert main(["destroy", "--target", "local", "--stack-name", "lake"]) == 0
    assert capsys.readouterr().out.startswith("Are you sure you want to delete: lake (y/n)? ")
    assert destroy_recorded == [("destroy", "lake"), ("artifacts", "lake", "local")]


def test_destroy_answered_no_deletes_nothing(destroy_recorded, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", Terminal(tty=True, answer="n"))
    assert main(["destroy", "--target", "local", "--stack-name", "lake"]) == 1
    assert "destroy cancelled: stack lake was not deleted" in capsys.readouterr().err
    assert destroy_recorded == []


def test_destroy_aws_prints_the_report_and_what_failed(destroy_recorded, monkeypatch, capsys):
    import datalake.deploy.destroy as destroy_mod
    from datalake.deploy.destroy import DestroyFailed, DestroyReport

    class Sts:
        def get_caller_identity(self):
            return {"Arn": "arn:aws:iam::1:user/me", "Account": "1"}

    monkeypatch.setattr(aws, "client", lambda service, target=None: Sts())
    seen = {}

    def fake_destroy(client, stack, *, waiting, retain_failed):
        seen.update(stack=stack, timeout=waiting.timeout_seconds, retain=retain_failed)
        report = DestroyReport(stack, status="DELETE_FAILED", delete_attempts=2)
        raise DestroyFailed("stack lake ended DELETE_FAILED: AccessLogsBucket ...", report)

    monkeypatch.setattr(destroy_mod, "destroy_stack", fake_destroy)
    argv = ["destroy", "--target", "aws", "--stack-name", "lake", "-y", "--retain-failed"]
    assert main([*argv, "--timeout", "30"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == "stack lake ended DELETE_FAILED (2 delete requests)"
    assert err == "datalake: error: stack lake ended DELETE_FAILED: AccessLogsBucket ...\n"
    assert seen == {"stack": "lake", "timeout": 30, "retain": True}
    assert destroy_recorded == []  # the artifacts bucket stays while the stack is not gone


def test_lake_teardown_confirms_explicitly_and_never_prompts(
    destroy_recorded, monkeypatch, tmp_path
):
    from datalake.lake import Lake

    monkeypatch.setenv("DATALAKE_BUILD_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", Terminal(tty=False))  # as under papermill
    assert Lake("lake", "local").teardown() == "artifacts bucket of lake deleted"
    assert destroy_recorded == [("destroy", "lake"), ("artifacts", "lake", "local")]


def test_synth_writes_the_template_and_honours_params(tmp_path, capsys):
    out = tmp_path / "t.json"
    assert main(["synth", "--out", str(out), "--param", "LogRetentionDays=90"]) == 0
    template = json.loads(out.read_text())
    assert template["Parameters"]["LogRetentionDays"]["Default"] == "90"
    assert main(["synth", "--out", str(out), "--param", "LogRetentionDays=4"]) == 1
    assert "LogRetentionDays" in capsys.readouterr().err
