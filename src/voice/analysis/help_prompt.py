"""Should the next survey screen open with the help box? Cheap enough for a survey step.

Only the precompiled concern lexicon runs here (no sentiment, no coding); the safeguarding
queue itself is fed by the analysis pipeline, never by this screen-level check.
"""

from __future__ import annotations

import functools
import logging

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _lexicon():
    from voice.analysis.concerns import load_lexicon
    from voice.config import get_settings

    path = get_settings().definitions_dir / "concern_lexicon.yaml"
    try:
        return load_lexicon(path)
    except Exception:  # a broken lexicon must never break a young person's survey
        log.exception("concern lexicon %s could not be loaded; the help box stays in its usual place", path)
        return None


def suggests_risk(texts: list[str]) -> bool:
    lexicon = _lexicon()
    return lexicon is not None and any(lexicon.detect(text).flag for text in texts if text)
