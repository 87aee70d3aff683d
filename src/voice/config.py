"""Settings in one place: where the database and data folder are, where definitions live."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _find_repo_dir() -> Path:
    """The folder holding `surveys/`: the checkout when run from source, else the working directory."""
    for parent in [PACKAGE_DIR, *PACKAGE_DIR.parents]:
        if (parent / "surveys").is_dir() and (parent / "pyproject.toml").exists():
            return parent
    return Path.cwd()


# Safeguarding records are kept this long after a lead closes them (VOICE_SAFEGUARDING_RETENTION_YEARS).
# Why 15: schools' records guidance (IRMS Information Management Toolkit for Schools) keeps child protection
# records until the child is 25. We never know a young person's age or name, and the youngest who take our
# surveys are 10, so 15 years after closing covers every one of them. See docs/security.md.
DEFAULT_SAFEGUARDING_RETENTION_YEARS = 15
# Responses started but never sent are removed after this many days (VOICE_UNFINISHED_RETENTION_DAYS):
# they can hold sensitive answers, and nobody can use them.
DEFAULT_UNFINISHED_RETENTION_DAYS = 30


@dataclass(frozen=True)
class NotifySettings:
    """Where the safeguarding leads are told about new items (voice.safeguarding.notify). Both optional."""

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = ""
    smtp_to: tuple[str, ...] = ()
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)  # secrets stay out of logs and error pages
    webhook_url: str = field(default="", repr=False)  # e.g. a Microsoft Teams incoming webhook (holds a key)
    base_url: str = "http://localhost:8501"  # the app's address, for the link to /safeguarding

    @property
    def email(self) -> bool:
        return bool(self.smtp_host and self.smtp_from and self.smtp_to)

    @property
    def configured(self) -> bool:
        return self.email or bool(self.webhook_url)


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    surveys_dir: Path
    is_embedded_default: bool  # True when DATABASE_URL was not set: the app may load demo content
    notify: NotifySettings = NotifySettings()
    safeguarding_retention_years: int = DEFAULT_SAFEGUARDING_RETENTION_YEARS
    unfinished_retention_days: int = DEFAULT_UNFINISHED_RETENTION_DAYS

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
                    notify=notify_settings(),
                    safeguarding_retention_years=_whole("VOICE_SAFEGUARDING_RETENTION_YEARS",
                                                        DEFAULT_SAFEGUARDING_RETENTION_YEARS, low=1),
                    unfinished_retention_days=_whole("VOICE_UNFINISHED_RETENTION_DAYS",
                                                     DEFAULT_UNFINISHED_RETENTION_DAYS, low=1))


def _whole(name: str, default: int, low: int = 0) -> int:
    """A whole-number setting; a value that is not one (or too small) falls back to the default, loudly."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low:
        import logging

        logging.getLogger(__name__).warning("%s=%r is not a whole number of at least %s: using %s", name, raw, low,
                                            default)
        return default
    return value


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def notify_settings() -> NotifySettings:
    """VOICE_SMTP_HOST, VOICE_SMTP_PORT, VOICE_SMTP_FROM, VOICE_SMTP_TO (comma-separated), VOICE_SMTP_STARTTLS,
    VOICE_SMTP_USERNAME, VOICE_SMTP_PASSWORD, VOICE_NOTIFY_WEBHOOK_URL, VOICE_BASE_URL."""
    env = os.environ.get
    return NotifySettings(
        smtp_host=env("VOICE_SMTP_HOST", "").strip(),
        smtp_port=_whole("VOICE_SMTP_PORT", 25, low=1),
        smtp_from=env("VOICE_SMTP_FROM", "").strip(),
        smtp_to=tuple(a.strip() for a in env("VOICE_SMTP_TO", "").replace(";", ",").split(",") if a.strip()),
        smtp_starttls=_flag("VOICE_SMTP_STARTTLS"),
        smtp_username=env("VOICE_SMTP_USERNAME", "").strip(),
        smtp_password=env("VOICE_SMTP_PASSWORD", ""),
        webhook_url=env("VOICE_NOTIFY_WEBHOOK_URL", "").strip(),
        base_url=(env("VOICE_BASE_URL", "").strip() or "http://localhost:8501").rstrip("/"),
    )
