"""CloudFormation for the whole lake, generated with troposphere from a typed configuration:
one module per layer, one `build_template(config)` entry, deterministic JSON output."""

from infra_gen.config import TemplateConfig
from infra_gen.template import INTRINSICS, RESOURCE_TYPES, build_template, to_dict, to_json

__all__ = ["INTRINSICS", "RESOURCE_TYPES", "TemplateConfig", "build_template", "to_dict", "to_json"]
