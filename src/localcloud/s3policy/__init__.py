"""Bucket policy conditions moto cannot evaluate: `aws:SecureTransport` (see plugin.py)."""
