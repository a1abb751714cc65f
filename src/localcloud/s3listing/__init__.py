"""Makes moto's S3 listings leave out folders that only hold deleted keys, as S3 does."""
