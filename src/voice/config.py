"""Settings in one place: where the database and data folder are, where definitions live, how staff
sessions behave, and the secret that keys the hashes in the audit trail.

Every setting is an environment variable (README "Settings", docs/security.md for the session ones).
"""

from __future__ import annotations

import functools
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

SESSION_IDLE_SECONDS = 30 * 60  # a staff session ends after 30 minutes without activity...
SESSION_MAX_SECONDS = 8 * 60 * 60  # ...and 8 hours after signing in, whatever happens
SECRET_FILE = "secret.key"  # in the data folder, created on first start when VOICE_SECRET_KEY is not set


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
DEFAULT_RESUME_CODE_DAYS = 14
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
    session_idle_seconds: int = SESSION_IDLE_SECONDS
    session_max_seconds: int = SESSION_MAX_SECONDS
    # "auto": cookies are Secure and HSTS is sent when the request came over https (directly or through a
    # proxy's X-Forwarded-Proto); "on": always (a TLS proxy that does not say so); "off": never (local http).
    https: str = "auto"
    # Organisation sign-in: the claim that carries roles or groups (empty: roles come from the local
    # account found by e-mail), and how its values map to this app's roles.
    oidc_roles_claim: str = ""
    oidc_role_map: tuple[tuple[str, str], ...] = ()
    notify: NotifySettings = NotifySettings()
    safeguarding_retention_years: int = DEFAULT_SAFEGUARDING_RETENTION_YEARS
    unfinished_retention_days: int = DEFAULT_UNFINISHED_RETENTION_DAYS
    # A resume code opens an unfinished response for this many days after it was started
    # (VOICE_RESUME_CODE_DAYS). Shared school devices: a code found weeks later opens nothing.
    resume_code_days: int = DEFAULT_RESUME_CODE_DAYS

    @property
    def definitions_dir(self) -> Path:
        """Codebook, concern lexicon and priority plans live beside the survey files."""
        return self.surveys_dir / "analysis"


def _seconds(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = int(raw)
    if value <= 0:
        raise ValueError(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


def parse_role_map(raw: str) -> tuple[tuple[str, str], ...]:
    """'Voice.Facilitator=facilitator; 3f2a…=safeguarding_lead' -> ((claim value, role), …).

    Pairs are separated by ';' or new lines; a claim value may map to several roles on several pairs."""
    pairs = []
    for part in raw.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        value, sep, role = part.rpartition("=")
        if not sep or not value.strip() or not role.strip():
            raise ValueError(f"VOICE_OIDC_ROLE_MAP: {part.strip()!r} is not 'claim value=role'")
        pairs.append((value.strip(), role.strip()))
    return tuple(pairs)


def get_settings() -> Settings:
    repo = _find_repo_dir()
    data_dir = Path(os.environ.get("VOICE_DATA_DIR", repo / "data")).resolve()
    surveys_dir = Path(os.environ.get("VOICE_SURVEYS_DIR", repo / "surveys")).resolve()
    url = os.environ.get("DATABASE_URL", "").strip()
    embedded = not url
    if embedded:
        url = f"sqlite:///{data_dir / 'voice.db'}"
    https = os.environ.get("VOICE_HTTPS", "auto").strip().lower() or "auto"
    if https not in ("auto", "on", "off"):
        raise ValueError(f"VOICE_HTTPS must be auto, on or off, not {https!r}")
    return Settings(
        database_url=url, data_dir=data_dir, surveys_dir=surveys_dir, is_embedded_default=embedded,
        session_idle_seconds=_seconds("VOICE_SESSION_IDLE_SECONDS", SESSION_IDLE_SECONDS),
        session_max_seconds=_seconds("VOICE_SESSION_MAX_SECONDS", SESSION_MAX_SECONDS),
        https=https,
        oidc_roles_claim=os.environ.get("VOICE_OIDC_ROLES_CLAIM", "").strip(),
        oidc_role_map=parse_role_map(os.environ.get("VOICE_OIDC_ROLE_MAP", "")),
        notify=notify_settings(),
        safeguarding_retention_years=_whole("VOICE_SAFEGUARDING_RETENTION_YEARS",
                                            DEFAULT_SAFEGUARDING_RETENTION_YEARS, low=1),
        unfinished_retention_days=_whole("VOICE_UNFINISHED_RETENTION_DAYS", DEFAULT_UNFINISHED_RETENTION_DAYS, low=1),
        resume_code_days=_whole("VOICE_RESUME_CODE_DAYS", DEFAULT_RESUME_CODE_DAYS, low=1),
    )


def secret_key() -> bytes:
    """The key for keyed hashes (HMAC-SHA256) in the audit trail: VOICE_SECRET_KEY, else a random key
    generated on first start into `<data folder>/secret.key`, readable only by the app's own user.

    Keep it with the database backups: without it, hashes already in the audit trail can no longer be
    matched (e.g. to count an unknown name's failed sign-ins), though nothing else is lost."""
    configured = os.environ.get("VOICE_SECRET_KEY", "").strip()
    if configured:
        return configured.encode("utf-8")
    return _secret_from_file(str(get_settings().data_dir / SECRET_FILE))


@functools.lru_cache(maxsize=8)
def _secret_from_file(path: str) -> bytes:
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: of two processes starting together, one creates the key and the other reads it.
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the other process may not have written it yet
            key = file.read_bytes().strip()
            if key:
                return key
            time.sleep(0.02)
        raise RuntimeError(f"{file} is empty: delete it, or set VOICE_SECRET_KEY") from None
    key = secrets.token_hex(32).encode("ascii")
    with os.fdopen(fd, "wb") as out:
        out.write(key + b"\n")
    return key


def auth_secrets() -> dict | None:
    """Streamlit's `[auth]` secrets from VOICE_AUTH_* variables, for `st.App(secrets=...)` in serve.py.

    The other way to configure organisation sign-in is `.streamlit/secrets.toml` (docs/security.md).
    Returns None unless VOICE_AUTH_SERVER_METADATA_URL is set."""
    metadata = os.environ.get("VOICE_AUTH_SERVER_METADATA_URL", "").strip()
    if not metadata:
        return None
    auth: dict[str, object] = {"server_metadata_url": metadata}
    for key in ("redirect_uri", "cookie_secret", "client_id", "client_secret"):
        value = os.environ.get(f"VOICE_AUTH_{key.upper()}", "").strip()
        if not value:
            raise ValueError(f"VOICE_AUTH_{key.upper()} must be set with VOICE_AUTH_SERVER_METADATA_URL")
        auth[key] = value
    prompt = os.environ.get("VOICE_AUTH_PROMPT", "").strip()
    if prompt:
        auth["client_kwargs"] = {"prompt": prompt}
    return {"auth": auth}


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
