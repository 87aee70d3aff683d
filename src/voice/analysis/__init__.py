"""Pure text analysis: tokens, sentiment, theme coding and concern detection.

Nothing here touches the database or Streamlit. This module stays light (no
TextBlob import) because `voice --help` imports `voice.analysis.cli`.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DefinitionError", "default_definitions_dir"]


class DefinitionError(ValueError):
    """A definition file (codebook, concern lexicon) that cannot be used.

    The message names the file, line and field so a facilitator can fix it:
    "surveys/analysis/codebook.yaml, line 14, field themes[3].words: must be a list of words".
    """

    def __init__(self, file: str, line: int | None, field: str | None, message: str):
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts) + f": {self.message}"

    def __reduce__(self):  # keep pickling (multiprocessing, st.cache_data) working
        return (DefinitionError, (self.file, self.line, self.field, self.message))


def default_definitions_dir() -> Path:
    """Folder holding codebook.yaml and concern_lexicon.yaml.

    Order: $VOICE_SURVEYS_DIR/analysis if set; else the first `surveys/analysis`
    found walking up from this file (a source checkout); else ./surveys/analysis.
    """
    env = os.environ.get("VOICE_SURVEYS_DIR")
    if env:
        return Path(env) / "analysis"
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "surveys" / "analysis"
        if candidate.is_dir():
            return candidate
    return Path.cwd() / "surveys" / "analysis"
