"""Helpers for tests and examples that exercise the local cloud: a handler zip, a role."""

from __future__ import annotations

import io
import json
import textwrap
import zipfile

_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
}


def zip_files(files: dict[str, str | bytes]) -> bytes:
    """A zip archive (bytes) holding `files` ({path: content}); text is dedented."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            data = textwrap.dedent(content).encode() if isinstance(content, str) else content
            archive.writestr(path, data)
    return buffer.getvalue()


def ensure_role(iam, name: str = "localcloud-test-lambda-role") -> str:
    """The ARN of an IAM role Lambda may assume (moto checks that a function's role exists)."""
    try:
        return iam.get_role(RoleName=name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(_TRUST))[
            "Role"]["Arn"]
