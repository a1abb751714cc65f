#!/usr/bin/env bash
# Fetch hadoop-aws and the AWS SDK bundle so local Spark can read and write s3:// through s3a.
# Maven Central may be unreachable, so both jars are taken from the PyPI sdist of
# sagemaker-pyspark 1.4.5 (only the two jars are extracted; the package is never installed).
# Users with Maven access can instead set DATALAKE_SPARK_PACKAGES=org.apache.hadoop:hadoop-aws:3.3.4
set -euo pipefail
dest=${1:-.cache/jars}
mkdir -p "$dest"
if [ -f "$dest/.complete" ]; then exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetching hadoop-aws 3.3.1 + aws-java-sdk-bundle 1.11.901 (from the sagemaker-pyspark sdist, ~180 MB)"
python3 -m pip download --quiet --no-deps --no-binary :all: sagemaker-pyspark==1.4.5 -d "$tmp"
tar -xzf "$tmp"/sagemaker_pyspark-1.4.5.tar.gz -C "$tmp" \
  sagemaker_pyspark-1.4.5/deps/jars/hadoop-aws-3.3.1.jar \
  sagemaker_pyspark-1.4.5/deps/jars/aws-java-sdk-bundle-1.11.901.jar
mv "$tmp"/sagemaker_pyspark-1.4.5/deps/jars/*.jar "$dest"/
touch "$dest/.complete"
ls -1 "$dest"
