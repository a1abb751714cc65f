"""AWS_IAM authorization: check and verify the request's Signature Version 4.

The signature is recomputed with botocore's signer over the headers the client signed, with the
secret of the access key: keys created through IAM in this local cloud, plus the local cloud's
own credentials (AWS_ACCESS_KEY_ID/SECRET of its environment, `test`/`test` by default). IAM
policies are not evaluated: a valid signature by a known key is authorised.
"""

from __future__ import annotations

import hmac
import re
from datetime import datetime, timezone

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from localcloud.apigateway.gateway_errors import (
    GatewayError,
    incomplete_signature,
    invalid_signature,
    missing_token,
    unrecognized_client,
)

_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 "
    r"Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/(?P<service>[^/,\s]+)"
    r"/aws4_request,\s*SignedHeaders=(?P<headers>[a-z0-9;\-]+),\s*Signature=(?P<sig>[0-9a-f]{64})$"
)
MAX_SKEW_S = 300


def parse_authorization(header: str | None) -> dict:
    """The parts of a SigV4 Authorization header, or a 403 as API Gateway answers."""
    if not header:
        raise missing_token()
    match = _AUTH.match(header.strip())
    if not match:
        missing = [p for p in ("Credential", "SignedHeaders", "Signature") if f"{p}=" not in header]
        if missing:
            text = " ".join(f"Authorization header requires '{p}' parameter." for p in missing)
        else:
            text = f"Authorization header is not a valid AWS4-HMAC-SHA256 value: {header[:60]}"
        raise incomplete_signature(text)
    return match.groupdict()


def verify_signature(method: str, url: str, headers: dict[str, str], body: bytes,
                     secret_for, now: datetime | None = None) -> str:
    """Verify the request's SigV4 signature; returns the access key id. `secret_for(key_id)`
    returns the secret or None; `headers` are lower-cased."""
    parts = parse_authorization(headers.get("authorization"))
    if parts["service"] != "execute-api":
        raise invalid_signature(
            "Credential should be scoped to correct service: 'execute-api'.")
    amz_date = headers.get("x-amz-date")
    if not amz_date:
        raise incomplete_signature("Authorization header requires existence of either a "
                                   "'X-Amz-Date' or a 'Date' header.")
    _check_time(amz_date, now or datetime.now(timezone.utc))
    secret = secret_for(parts["key"])
    if secret is None:
        raise unrecognized_client()
    signed = parts["headers"].split(";")
    request = AWSRequest(method=method, url=url, data=body,
                         headers={h: headers.get(h, "") for h in signed if h in headers})
    request.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(parts["key"], secret), "execute-api", parts["region"])
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, parts["sig"]):
        raise invalid_signature(
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method.")
    return parts["key"]


def _check_time(amz_date: str, now: datetime) -> None:
    try:
        stamp = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise incomplete_signature(f"Invalid X-Amz-Date: {amz_date}") from None
    if abs((now - stamp).total_seconds()) > MAX_SKEW_S:
        raise invalid_signature("Signature expired: " + amz_date + " is now earlier/later than "
                                "the allowed 5 minute window.")


def secrets_from_moto(account: str, fallback: dict[str, str]):
    """`secret_for(key_id)` over moto's IAM access keys plus `fallback` pairs."""

    def secret_for(key_id: str) -> str | None:
        if key_id in fallback:
            return fallback[key_id]
        from moto.iam.models import iam_backends

        for user in iam_backends[account]["aws"].users.values():
            for key in getattr(user, "access_keys", []):
                if key.access_key_id == key_id and key.status == "Active":
                    return key.secret_access_key
        return None

    return secret_for


__all__ = ["GatewayError", "parse_authorization", "secrets_from_moto", "verify_signature"]
