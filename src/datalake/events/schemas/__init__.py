"""Per-source JSON Schemas of event `data`, as package data (a package, so wheels and Lambda
zips carry the files)."""
