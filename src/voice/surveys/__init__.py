"""Survey definitions: schema (dataclasses), loading and validation of YAML files, skip logic."""
