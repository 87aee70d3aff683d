"""Regenerate the initial migration from the models (before the first release only).

Until the product holds real data, the schema is one migration, `0001_initial`, written by Alembic's
autogenerate from `voice.models`. After the first release, add new revisions instead:
    alembic -c <cfg> revision --autogenerate -m "what changed"   (see docs/development.md)
Run: python scripts/make_migration.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402

from voice.db import MIGRATIONS_DIR  # noqa: E402

target = MIGRATIONS_DIR / "versions" / "0001_initial.py"
target.unlink(missing_ok=True)
with tempfile.TemporaryDirectory() as tmp:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{tmp}/empty.db")
    command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001_initial")
written = next((MIGRATIONS_DIR / "versions").glob("0001_initial*.py"))
written.rename(target)
print(f"wrote {target.relative_to(ROOT)}")
