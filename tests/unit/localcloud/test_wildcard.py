from localcloud.wildcard import compile_wildcard


def test_star_matches_any_run_including_none_and_newlines():
    regex = compile_wildcard("raw/*.json")
    assert regex.match("raw/a.json")
    assert regex.match("raw/.json")
    assert regex.match("raw/a\nb.json")
    assert not regex.match("raw/a.json.gz")
    assert not regex.match("xraw/a.json")


def test_escaped_star_is_literal_and_other_characters_are_not_regex():
    assert compile_wildcard(r"a\*b").match("a*b")
    assert not compile_wildcard(r"a\*b").match("axxb")
    assert compile_wildcard("a.b+").match("a.b+")
    assert not compile_wildcard("a.b+").match("axbb")


def test_trailing_backslash_stands_for_itself():
    assert compile_wildcard("a\\").match("a\\")
