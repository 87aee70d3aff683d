"""Settings in one place: where the database and data folder are, where definitions live."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _find_repo_dir() -> Path:
    """The folder holding `surveys/`: the checkout when run from source, else the working directory."""
    for parent in [PACKAGE_DIR, *PACKAGE_DIR.parents]:
        if (parent / "surveys").is_dir() and (parent / "pyproject.toml").exists():
            return parent
    return Path.cwd()


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    surveys_dir: Path
    is_embedded_default: bool  # True when DATABASE_URL was not set: the app may load demo content
    # A resume code opens an unfinished response for this many days after it was started
    # (VOICE_RESUME_CODE_DAYS). Shared school devices: a code found weeks later opens nothing.
    resume_code_days: int = 14

    @property
    def definitions_dir(self) -> Path:
        """Codebook, concern lexicon and priority plans live beside the survey files."""
        return self.surveys_dir / "analysis"


def get_settings() -> Settings:
    repo = _find_repo_dir()
    data_dir = Path(os.environ.get("VOICE_DATA_DIR", repo / "data")).resolve()
    surveys_dir = Path(os.environ.get("VOICE_SURVEYS_DIR", repo / "surveys")).resolve()
    url = os.environ.get("DATABASE_URL", "").strip()
    embedded = not url
    if embedded:
        url = f"sqlite:///{data_dir / 'voice.db'}"
    return Settings(database_url=url, data_dir=data_dir, surveys_dir=surveys_dir, is_embedded_default=embedded,
                    resume_code_days=_positive_int("VOICE_RESUME_CODE_DAYS", 14))


def _positive_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default
