from localcloud.persistence.s3 import _part_count, _part_size


def test_part_count_from_etag():
    assert _part_count('"d41d8cd98f00b204e9800998ecf8427e-3"') == 3
    assert _part_count('"d41d8cd98f00b204e9800998ecf8427e"') is None


def test_part_size_reproduces_the_part_count():
    mib = 1024 * 1024
    assert _part_size(16 * mib + 5, 3) == 8 * mib  # boto3's default chunk
    assert _part_size(30 * mib, 3) == 10 * mib  # equal parts
    assert _part_size(4 * mib, 2) is None  # parts under 5 MiB: cannot be rebuilt
    assert _part_size(100, 1) == 100
