"""The local deploy's outputs: ApiUrl in the local form."""

from datalake.deploy.local import local_api_url, localize_outputs


def test_local_api_url():
    assert local_api_url("http://127.0.0.1:4566/", "abc123") == (
        "http://127.0.0.1:4566/restapis/abc123/prod/_user_request_"
    )


def test_api_url_rewritten_and_other_outputs_kept():
    outputs = {
        "ApiId": "abc123",
        "ApiUrl": "https://abc123.execute-api.us-east-1.amazonaws.com/prod",
        "RawBucket": "raw",
    }
    assert localize_outputs(outputs, "http://127.0.0.1:4566") == {
        "ApiId": "abc123",
        "ApiUrl": "http://127.0.0.1:4566/restapis/abc123/prod/_user_request_",
        "RawBucket": "raw",
    }


def test_without_an_api_nothing_changes():
    assert localize_outputs({"RawBucket": "raw"}, "http://x") == {"RawBucket": "raw"}
