"""Pure text analysis: tokens, sentiment, theme coding and concern detection.

Nothing here touches the database or Streamlit. This module stays light (no
TextBlob import) because `voice --help` imports `voice.analysis.cli`.
"""

from __future__ import annotations

import os
from pathlib import Path

from voice.definitions.problems import DefinitionError as _SharedDefinitionError

__all__ = ["DefinitionError", "default_definitions_dir"]


# The one problem type of every definition file (voice.definitions): a codebook or lexicon problem names
# its file, line and field, e.g. "surveys/analysis/codebook.yaml, line 14, field themes[3].words: must be
# a list of words", and carries a `code`.
DefinitionError = _SharedDefinitionError


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
