from localcloud.apigateway.routes import match_route


def _res(path, *methods, rid=None):
    return {"id": rid or path, "path": path,
            "resourceMethods": {m: {"httpMethod": m} for m in methods}}


RESOURCES = [
    _res("/"), _res("/ingest", "POST", "OPTIONS"), _res("/items/{id}", "GET"),
    _res("/items/special", "GET"), _res("/{proxy+}", "ANY"), _res("/files/{key+}", "GET"),
]


def test_literal_beats_parameter_beats_greedy():
    assert match_route(RESOURCES, "GET", "/items/special").resource["path"] == "/items/special"
    found = match_route(RESOURCES, "GET", "/items/42")
    assert found.resource["path"] == "/items/{id}"
    assert found.path_parameters == {"id": "42"}
    greedy = match_route(RESOURCES, "DELETE", "/a/b/c")
    assert greedy.resource["path"] == "/{proxy+}"
    assert greedy.path_parameters == {"proxy": "a/b/c"}


def test_method_must_match_unless_any():
    assert match_route(RESOURCES, "POST", "/ingest").method["httpMethod"] == "POST"
    # /ingest has no GET: the greedy ANY catches it
    assert match_route(RESOURCES, "GET", "/ingest").resource["path"] == "/{proxy+}"
    without_proxy = [r for r in RESOURCES if r["path"] != "/{proxy+}"]
    assert match_route(without_proxy, "GET", "/ingest") is None
    assert match_route(without_proxy, "GET", "/nowhere") is None


def test_greedy_parameter_needs_a_segment():
    found = match_route(RESOURCES, "GET", "/files/a/b.json")
    assert found.path_parameters == {"key": "a/b.json"}
    assert match_route([_res("/files/{key+}", "GET")], "GET", "/files") is None


def test_trailing_slash_and_root():
    assert match_route(RESOURCES, "POST", "/ingest/").resource["path"] == "/ingest"
    assert match_route([_res("/", "GET")], "GET", "/").resource["path"] == "/"
