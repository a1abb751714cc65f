"""Endpoints of the local cloud itself (health), not of any AWS service."""
