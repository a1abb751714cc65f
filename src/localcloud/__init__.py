"""localcloud: one local endpoint answering the AWS APIs a serverless data lake uses.

moto keeps state; plugins (one package per service) run what moto only records. This package
knows nothing about the lake: it could be lifted out and used by another project.
"""

from localcloud.config import CloudConfig
from localcloud.server import LocalCloud

__all__ = ["CloudConfig", "LocalCloud"]
