"""One content hash for every definition (survey versions, codebook and lexicon versions, plan periods).

Same content, same hash: the data is written as canonical JSON (keys sorted, text as written) before
hashing, so comments, spacing and key order in a file never count as a change.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(data: Any) -> str:
    # Dates and other plain values become their text (str), so a plan's 2021-04-01 hashes as written.
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


def content_hash(data: Any) -> str:
    """SHA-256 (64 hex characters) of the canonical JSON of `data`."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()
