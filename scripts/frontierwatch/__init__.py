"""Frontier Watch: validate YAML records of militancy on the Afghan-Tajik frontier and render them."""

__version__ = "0.1.0"
SCHEMA_VERSION = 1
