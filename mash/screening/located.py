"""Load YAML into ordinary Python values that remember the line each came from."""

from __future__ import annotations

from typing import Any

import yaml


class LocatedStr(str):
    """A string from a YAML file, with the 1-based line it started on."""

    line: int


class LocatedList(list[Any]):
    """A YAML sequence, with the 1-based line it started on."""

    line: int


class LocatedMap(dict[Any, Any]):
    """A YAML mapping, with its own line, each key's line and any key written twice."""

    line: int
    key_lines: dict[Any, int]
    duplicate_keys: list[tuple[Any, int]]

    def line_of(self, key: Any) -> int:
        """Return the line of a key, or of the mapping when the key is absent."""
        return self.key_lines.get(key, self.line)


class _LocatingLoader(yaml.SafeLoader):
    pass


def _construct_str(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> LocatedStr:
    value = LocatedStr(loader.construct_scalar(node))
    value.line = node.start_mark.line + 1
    return value


def _construct_list(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LocatedList:
    value = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    value.line = node.start_mark.line + 1
    return value


def _construct_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LocatedMap:
    loader.flatten_mapping(node)
    value = LocatedMap()
    value.line = node.start_mark.line + 1
    value.key_lines = {}
    value.duplicate_keys = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in value:
            value.duplicate_keys.append((key, line))
        value[key] = loader.construct_object(value_node, deep=True)
        value.key_lines[key] = line
    return value


_LocatingLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_LocatingLoader.add_constructor("tag:yaml.org,2002:seq", _construct_list)
_LocatingLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def load_located(text: str) -> Any:
    """Parse YAML text, raising yaml.YAMLError on a syntax error."""
    return yaml.load(text, Loader=_LocatingLoader)  # noqa: S506 - a SafeLoader subclass


def line_of(value: object, default: int) -> int:
    """Return the line a loaded value came from, or the default for a bare scalar."""
    line = getattr(value, "line", None)
    return line if isinstance(line, int) else default
