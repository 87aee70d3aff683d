"""Definition files: the one reader, problem type and content hash shared by every file facilitators edit.

Surveys (`surveys/*.yaml`), the theme codebook and concern lexicon (`surveys/analysis/`) and the
business-plan files all go through here:

* `read_definition_text(path)` and `compose_yaml(text, source)` / `read_yaml(text, source)`: the
  line-numbered YAML reader with its limits (file size, alias expansion, nesting depth) checked before
  any data is built;
* `Problem(file, line, field, code, message)` and `DefinitionError(problems)`: every problem is placed
  in its file and carries a stable `code` for programs to match on;
* `content_hash(data)`: the same content gives the same hash whichever file or screen it came from.
"""

from voice.definitions.hashing import canonical_json, content_hash
from voice.definitions.problems import DefinitionError, Problem, first_line_sorted
from voice.definitions.yaml_reader import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_VALUES,
    YamlData,
    compose_yaml,
    join_path,
    parent_path,
    read_definition_text,
    read_yaml,
)

__all__ = [
    "DefinitionError", "MAX_DEPTH", "MAX_FILE_BYTES", "MAX_VALUES", "Problem", "YamlData", "canonical_json",
    "compose_yaml", "content_hash", "first_line_sorted", "join_path", "parent_path", "read_definition_text",
    "read_yaml",
]
