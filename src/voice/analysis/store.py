"""The analysis pipeline over the database: codebook versions, coding answers as they arrive, catching up.

- The codebook in use is the newest CodebookVersion; surveys/analysis/codebook.yaml seeds version 1.
- Every free-text answer of a submitted response gets one TextAnalysis, stamped with the codebook and
  lexicon versions it was made with. `analyse_new_answers` fills in what is missing or stale:
    * no result yet, or the lexicon changed: the whole pipeline runs (identical texts once, and a text
      already analysed under the same versions is copied, not re-run);
    * only the codebook changed: only the themes `themes_affected` names are re-checked; sentiment and
      concerns are kept, and rows whose themes cannot change are only re-stamped.
- A flagged answer, and a closed answer its survey marks as a risk, become indicators on ONE safeguarding
  item per response for the designated safeguarding leads (voice.safeguarding.records), who are told
  after the commit (voice.safeguarding.notify). Nothing else happens to anyone automatically.
- Analysis of a submitted response runs OFF the young person's request: `on_submitted` queues the
  response for a per-process background worker once the submit has committed; the worker's sweep,
  the safeguarding page and `voice analyse` catch up on anything a dying process left behind.

Nothing here needs an actor: the pipeline shows no content to anyone. Editing the codebook does.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import delete, event, func, insert, select, update
from sqlalchemy.orm import Session

from voice.analysis import DefinitionError
from voice.analysis.codebook import Codebook, codebook_to_yaml, parse_codebook, themes_affected
from voice.analysis.concerns import ConcernLexicon, load_lexicon
from voice.db import session_scope, utcnow, with_retry
from voice.errors import Invalid, NotFound
from voice.models import Answer, CodebookVersion, Response, TextAnalysis
from voice.safeguarding.records import NewIndicator
from voice.security.access import Actor, require
from voice.security.audit import record
from voice.security.roles import FACILITATOR

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]  # (fraction done 0..1, what is happening)
BATCH = 1000
CODEBOOK_SOURCE = "codebook.yaml"


@dataclass
class AnalysisCounts:
    analysed: int = 0  # answers given a fresh result by the full pipeline (new or lexicon changed)
    distinct_texts: int = 0  # texts actually run through the pipeline (identical answers run once)
    reused: int = 0  # answers whose identical text already had a result under the same versions
    rechecked: int = 0  # answers re-checked against the changed themes only (codebook edit)
    recoded: int = 0  # of those, answers whose automatic themes actually changed
    restamped: int = 0  # answers moved to the new codebook version untouched (their themes cannot change)
    flagged: int = 0  # new safeguarding items
    added_to_items: int = 0  # open items that got another indicator

    @property
    def total(self) -> int:
        return self.analysed + self.reused + self.rechecked + self.restamped


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


# ---------------------------------------------------------------- definitions

def _definitions_dir() -> Path:
    from voice.config import get_settings

    return get_settings().definitions_dir


_lexicon_lock = threading.Lock()
_lexicon_cache: dict[tuple[str, float], ConcernLexicon] = {}


def current_lexicon(path: str | Path | None = None) -> ConcernLexicon:
    """The concern lexicon file, re-read only when it changes on disk."""
    path = Path(path or _definitions_dir() / "concern_lexicon.yaml")
    key = (str(path), path.stat().st_mtime)
    with _lexicon_lock:
        lexicon = _lexicon_cache.get(key)
        if lexicon is None:
            lexicon = load_lexicon(path)
            _lexicon_cache.clear()
            _lexicon_cache[key] = lexicon
        return lexicon


@functools.lru_cache(maxsize=16)
def _parsed(yaml_text: str) -> Codebook:
    return parse_codebook(yaml_text, CODEBOOK_SOURCE)


def seed_codebook(session: Session, path: str | Path | None = None) -> CodebookVersion:
    """Version 1 from the codebook file, when the database has none yet."""
    existing = session.scalars(select(CodebookVersion).order_by(CodebookVersion.id.desc()).limit(1)).first()
    if existing is not None:
        return existing
    path = Path(path or _definitions_dir() / "codebook.yaml")
    text = path.read_text(encoding="utf-8")
    codebook = parse_codebook(text, str(path))  # a broken file is an operator's error: say so loudly
    row = CodebookVersion(version=codebook.version, yaml_text=text, created_by="system",
                          note=f"Loaded from {path.name}")
    session.add(row)
    session.flush()
    return row


def active_codebook(session: Session) -> tuple[CodebookVersion, Codebook]:
    """The codebook in use (the newest saved version), seeding version 1 from the file if needed."""
    row = seed_codebook(session)
    return row, _parsed(row.yaml_text)


def codebook_by_version(session: Session, version: str) -> Codebook | None:
    row = session.scalars(select(CodebookVersion).where(CodebookVersion.version == version)
                          .order_by(CodebookVersion.id.desc()).limit(1)).first()
    if row is None:
        return None
    try:
        return _parsed(row.yaml_text)
    except DefinitionError:  # saved before a stricter parser: treat as unknown, recode fully
        return None


@dataclass(frozen=True)
class CodebookEntry:
    number: int
    version: str
    created_by: str
    created_at: object
    note: str
    themes: int
    active: bool


def codebook_history(session: Session, actor: Actor) -> list[CodebookEntry]:
    require(actor, FACILITATOR)
    active_codebook(session)
    rows = session.scalars(select(CodebookVersion).order_by(CodebookVersion.id.desc())).all()
    out = []
    for i, row in enumerate(rows):
        try:
            themes = len(_parsed(row.yaml_text).themes)
        except DefinitionError:
            themes = 0
        out.append(CodebookEntry(row.id, row.version, row.created_by, row.created_at, row.note, themes, i == 0))
    return out


def codebook_yaml(session: Session, actor: Actor, number: int | None = None) -> str:
    """The YAML of version `number` (default: the one in use), as the facilitator saved it."""
    require(actor, FACILITATOR)
    if number is None:
        return active_codebook(session)[0].yaml_text
    row = session.get(CodebookVersion, number)
    if row is None:
        raise NotFound(f"There is no codebook version {number}.")
    return row.yaml_text


def check_codebook(yaml_text: str) -> Codebook:
    """Parse without saving; raises DefinitionError naming the line and field."""
    return parse_codebook(yaml_text, CODEBOOK_SOURCE)


class NoChange(Invalid):
    """The edited codebook matches the one in use: nothing to save."""


def save_codebook(session: Session, actor: Actor, yaml_text: str, note: str = "") -> CodebookVersion:
    """Save an edited codebook as the new version in use.

    Invalid YAML raises DefinitionError (file, line, field) and nothing is saved, so the last good
    version stays in use. Answers are re-coded by the next `analyse_new_answers`, for changed themes only.
    """
    require(actor, FACILITATOR)
    yaml_text = yaml_text.replace("\x00", "")
    new = check_codebook(yaml_text)
    current_row, current = active_codebook(session)
    if new.version == current.version:
        raise NoChange("Nothing to save: the themes are the same as the version in use "
                       "(comments and spacing do not count as changes).")
    row = CodebookVersion(version=new.version, yaml_text=yaml_text, created_by=actor.username,
                          note=note.strip()[:2000])
    session.add(row)
    session.flush()
    record(session, actor, "codebook_saved", "codebook_version", row.id, version=new.version,
           previous=current.version, themes_changed=sorted(themes_affected(current, new)))
    return row


def add_theme(session: Session, actor: Actor, theme_id: str, name: str, words: Sequence[str] = (),
              phrases: Sequence[str] = (), description: str = "", note: str = "") -> CodebookVersion:
    """'Make a theme from them': a new codebook version with one more theme (terms with a space are phrases)."""
    require(actor, FACILITATOR)
    _, current = active_codebook(session)
    single = [w.strip().lower() for w in words if w.strip() and " " not in w.strip()]
    multi = [w.strip().lower() for w in words if " " in w.strip()] + [p.strip().lower() for p in phrases if p.strip()]
    if not single and not multi:
        raise Invalid("Choose at least one word or phrase for the new theme.")
    data = {"themes": [
        {"id": t.id, "name": t.name, "description": t.description, "priorities": list(t.priorities),
         "words": list(t.words), "phrases": list(t.phrases), "exclusions": list(t.exclusions)}
        for t in current.themes
    ]}
    data["themes"].append({"id": theme_id.strip(), "name": name.strip(), "description": description.strip(),
                           "priorities": [], "words": list(dict.fromkeys(single)),
                           "phrases": list(dict.fromkeys(multi)), "exclusions": []})
    import yaml

    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return save_codebook(session, actor, text, note or f"New theme '{name.strip()}' from uncovered terms")


# ---------------------------------------------------------------- running the pipeline

def _pending_answers_query():
    """Free-text answers of submitted responses that have no analysis yet."""
    return (
        select(Answer.id, Answer.text, Answer.response_id, Response.survey_id)
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(TextAnalysis, TextAnalysis.answer_id == Answer.id)
        .where(Response.status == "submitted", Answer.option_id == "", Answer.text.is_not(None),
               Answer.text != "", TextAnalysis.id.is_(None))
        .order_by(Answer.id)
    )


def _insert_ignoring_duplicates(session: Session, model, rows: list[dict]) -> int:
    """Insert rows; a row another session inserted first (same unique key) is skipped, not an error."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    dialect_insert: Callable[..., Any]  # either dialect's insert (both have on_conflict_do_nothing)
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        session.connection().execute(insert(model.__table__), rows)
        return len(rows)
    # Core insert on the session's connection (same transaction): it reports how many rows went in.
    result = session.connection().execute(dialect_insert(model.__table__).on_conflict_do_nothing(), rows)
    return result.rowcount if result.rowcount is not None and result.rowcount >= 0 else len(rows)


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _analyse_rows(session: Session, pending: list, codebook: Codebook, lexicon: ConcernLexicon,
                  counts: AnalysisCounts) -> list[NewIndicator]:
    """Analyse (answer_id, text, response_id, survey_id) rows; store the results, return the flags found."""
    from voice.analysis.pipeline import AnalysisCache

    hashes = {row[0]: text_hash(row[1]) for row in pending}
    # A text already analysed under these versions (another answer, an earlier run): copy its result.
    known: dict[str, dict] = {}
    for chunk in _chunks(sorted(set(hashes.values())), 500):
        for ta in session.scalars(select(TextAnalysis).where(
                TextAnalysis.text_hash.in_(chunk), TextAnalysis.codebook_version == codebook.version,
                TextAnalysis.lexicon_version == lexicon.version)):
            known.setdefault(ta.text_hash, {
                "theme_ids": list(ta.theme_ids), "polarity": ta.polarity, "sentiment": ta.sentiment,
                "concern_flag": ta.concern_flag, "concern_categories": list(ta.concern_categories),
                "_matches": None,
            })
    cache = AnalysisCache(codebook, lexicon)
    now = utcnow()
    rows, flags = [], []
    for answer_id, text, response_id, _survey_id in pending:
        h = hashes[answer_id]
        result = known.get(h)
        if result is None or (result["concern_flag"] and result["_matches"] is None):
            # Flagged texts are re-run so the item records the words that fired for this answer.
            fresh = h not in known
            a = cache.get(text)
            result = {"theme_ids": list(a.themes), "polarity": float(a.sentiment.polarity),
                      "sentiment": a.sentiment.label, "concern_flag": bool(a.concern.flag),
                      "concern_categories": list(a.concern.categories), "_matches": list(a.concern.matches)}
            if fresh:
                known[h] = result
                counts.analysed += 1
            else:
                counts.reused += 1
        else:
            counts.reused += 1
        rows.append({"answer_id": answer_id, "text_hash": h, "codebook_version": codebook.version,
                     "lexicon_version": lexicon.version, "analysed_at": now,
                     **{k: v for k, v in result.items() if not k.startswith("_")}})
        if result["concern_flag"]:
            flags.append(NewIndicator(response_id, answer_id, "text", tuple(result["concern_categories"]),
                                      matches=tuple(result["_matches"] or ())))
    counts.distinct_texts += len(cache)
    _insert_ignoring_duplicates(session, TextAnalysis, rows)
    return flags


def _raise(session: Session, flags: list[NewIndicator], counts: AnalysisCounts,
           response_ids: Sequence[int] | None = None) -> None:
    """Free-text flags and marked closed answers become safeguarding items; the leads are told after the commit."""
    from voice.safeguarding import notify
    from voice.safeguarding.markers import screen_closed_answers
    from voice.safeguarding.records import raise_indicators

    raised = raise_indicators(session, [*flags, *screen_closed_answers(session, response_ids)])
    counts.flagged += len(raised.new_items)
    counts.added_to_items += len(raised.updated_items)
    notify.enqueue(session, raised)


def _recode(session: Session, old_version: str, codebook: Codebook, lexicon: ConcernLexicon, counts: AnalysisCounts,
            progress: Progress | None, done_before: int, total: int) -> int:
    """Move results made with codebook `old_version` to `codebook`, re-checking changed themes only."""
    from voice.analysis.pipeline import themes_of

    old = codebook_by_version(session, old_version)
    affected = themes_affected(old, codebook) if old is not None else {t.id for t in codebook.themes}
    order = {t.id: i for i, t in enumerate(codebook.themes)}
    # A codebook of just the changed themes: each theme is decided on its own (its words, and the theme
    # model reading the answer and that theme's match), so its verdict is the same as inside the full codebook.
    sub = Codebook(themes=tuple(t for t in codebook.themes if t.id in affected), version="sub")
    base = (select(TextAnalysis.id, TextAnalysis.theme_ids, Answer.text)
            .join(Answer, Answer.id == TextAnalysis.answer_id)
            .where(TextAnalysis.codebook_version == old_version))
    done = 0
    if not affected:  # only names or descriptions changed: no answer's themes can change
        n = session.execute(update(TextAnalysis).where(TextAnalysis.codebook_version == old_version)  # type: ignore[attr-defined]  # DML gives a CursorResult
                            .values(codebook_version=codebook.version)
                            .execution_options(synchronize_session=False)).rowcount or 0
        counts.restamped += n
        done = n
    else:
        last_id = 0
        while True:
            batch = session.execute(base.where(TextAnalysis.id > last_id).order_by(TextAnalysis.id).limit(BATCH)).all()
            if not batch:
                break
            last_id = batch[-1][0]
            updates: list[dict] = []
            by_text: dict[str, tuple[str, ...]] = {}
            for ta_id, theme_ids, text in batch:
                kept = [t for t in (theme_ids or []) if t not in affected and t in order]
                hit = by_text.get(text)
                if hit is None:
                    hit = by_text[text] = themes_of(text or "", sub, lexicon) if sub.themes else ()
                new_ids = sorted(set(kept) | set(hit), key=order.__getitem__)
                counts.rechecked += 1
                if new_ids != list(theme_ids or []):
                    counts.recoded += 1
                updates.append({"id": ta_id, "theme_ids": new_ids, "codebook_version": codebook.version})
            session.execute(update(TextAnalysis), updates)
            done += len(batch)
            if progress:
                progress(min(1.0, (done_before + done) / max(total, 1)), f"Re-coding changed themes: {done:,} answers")
    return done


def analyse_new_answers(session: Session, progress: Progress | None = None, *, codebook: Codebook | None = None,
                        lexicon: ConcernLexicon | None = None) -> AnalysisCounts:
    """Bring every submitted free-text answer up to the current codebook and lexicon. Incremental: safe to
    call on every page load; with nothing to do it costs a few counting queries.

    `progress(fraction, message)` is called as batches finish (the workspace page shows st.progress).
    The caller commits.
    """
    if codebook is None:
        codebook = active_codebook(session)[1]
    lexicon = lexicon or current_lexicon()
    counts = AnalysisCounts()

    # 1. Results made with another lexicon: concerns may differ, so the whole pipeline runs again.
    #    Existing safeguarding items stay (an item is never withdrawn automatically).
    stale_lexicon = session.execute(delete(TextAnalysis).where(TextAnalysis.lexicon_version != lexicon.version)  # type: ignore[attr-defined]  # DML gives a CursorResult
                                    .execution_options(synchronize_session=False)).rowcount or 0
    if stale_lexicon:
        log.info("lexicon changed: %s answers will be analysed again", stale_lexicon)

    old_versions = list(session.scalars(select(TextAnalysis.codebook_version).distinct()
                                        .where(TextAnalysis.codebook_version != codebook.version)))
    to_recode = session.scalar(select(func.count()).select_from(TextAnalysis)
                               .where(TextAnalysis.codebook_version != codebook.version)) or 0
    pending_total = session.scalar(select(func.count()).select_from(_pending_answers_query().subquery())) or 0
    total = to_recode + pending_total
    if total == 0:
        _raise(session, [], counts)  # closed answers of responses not yet checked against the survey's markers
        if progress:
            progress(1.0, "All answers are analysed.")
        return counts

    # 2. Results made with an older codebook: re-check changed themes only.
    done = 0
    for old_version in old_versions:
        done += _recode(session, old_version, codebook, lexicon, counts, progress, done, total)

    # 3. Answers with no result yet.
    last_id = 0
    query = _pending_answers_query()
    flags: list[NewIndicator] = []
    while True:
        batch = session.execute(query.where(Answer.id > last_id).limit(BATCH)).all()
        if not batch:
            break
        last_id = batch[-1][0]
        flags += _analyse_rows(session, [tuple(r) for r in batch], codebook, lexicon, counts)
        done += len(batch)
        if progress:
            progress(min(1.0, done / total), f"Analysing new answers: {done:,} of {total:,}")
    # 4. One item per response, whatever raised it (free text and closed answers together).
    _raise(session, flags, counts)
    session.flush()
    if progress:
        progress(1.0, "All answers are analysed.")
    return counts


def analyse_response(session: Session, response_id: int) -> AnalysisCounts:
    """Code one response's free-text answers and check its closed answers now (right after it is submitted)."""
    _, codebook = active_codebook(session)
    lexicon = current_lexicon()
    counts = AnalysisCounts()
    pending = session.execute(_pending_answers_query().where(Answer.response_id == response_id)).all()
    flags = _analyse_rows(session, [tuple(r) for r in pending], codebook, lexicon, counts) if pending else []
    _raise(session, flags, counts, [response_id])
    session.flush()
    return counts


def analyse_pending(session: Session, limit: int = BATCH) -> AnalysisCounts:
    """Analyse up to `limit` submitted answers that have no result yet (oldest first): the sweep.

    Unlike `analyse_new_answers` it does not re-check answers after a codebook or lexicon edit, so it
    stays cheap enough to run every few seconds in the background.
    """
    _, codebook = active_codebook(session)
    lexicon = current_lexicon()
    counts = AnalysisCounts()
    pending = session.execute(_pending_answers_query().limit(limit)).all()
    flags = _analyse_rows(session, [tuple(r) for r in pending], codebook, lexicon, counts) if pending else []
    # Free-text flags, and closed answers of any response not yet checked against its survey's markers.
    _raise(session, flags, counts)
    session.flush()
    return counts


# ---------------------------------------------------------------- off the young person's step

SWEEP_EVERY = 20.0  # seconds: how often an idle worker looks for answers nobody analysed
_AFTER_COMMIT = "voice_analyse_after_commit"


class AnalysisWorker:
    """One background thread per process (per database) that analyses submitted responses.

    `on_submitted` only notes the response id on the submitting session; when that transaction
    commits, the id is queued here and analysed in a session of its own, so the young person's
    submit never waits for analysis. Nothing is lost if the process dies in between: the database
    itself says which submitted answers have no analysis, and the worker sweeps for them when it
    starts and every SWEEP_EVERY seconds while idle (as do the safeguarding page and `voice analyse`).
    """

    def __init__(self, engine, sweep_every: float = SWEEP_EVERY):
        self.engine = engine
        self.sweep_every = sweep_every
        self.jobs: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def put(self, response_id: int) -> None:
        self.jobs.put(response_id)
        self.start()

    def start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="voice-analysis", daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self.jobs.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def idle(self, timeout: float = 10.0) -> bool:
        """Wait until every queued job is done (for tests and orderly shutdown); True if it is."""
        deadline = time.monotonic() + timeout
        with self.jobs.all_tasks_done:
            while self.jobs.unfinished_tasks:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.jobs.all_tasks_done.wait(left)
        return True

    def _run(self) -> None:
        self._safely(self.sweep)
        while True:
            try:
                job = self.jobs.get(timeout=self.sweep_every)
            except queue.Empty:
                self._safely(self.sweep)
                continue
            try:
                if job is None:
                    return
                self._safely(functools.partial(self.analyse, job))
            finally:
                self.jobs.task_done()

    def analyse(self, response_id: int) -> AnalysisCounts:
        def action() -> AnalysisCounts:
            with session_scope(self.engine) as session:
                return analyse_response(session, response_id)

        return with_retry(action)

    def sweep(self) -> AnalysisCounts:
        def action() -> AnalysisCounts:
            with session_scope(self.engine) as session:
                return analyse_pending(session)

        return with_retry(action)

    @staticmethod
    def _safely(action) -> None:
        try:
            action()
        except Exception:  # the worker must outlive any one failure; the sweep catches up later
            log.exception("background analysis failed; the next sweep will try again")


_workers: dict[int, AnalysisWorker] = {}
_workers_lock = threading.Lock()


def analysis_worker(engine) -> AnalysisWorker:
    """The process's worker for this engine (created on first use)."""
    with _workers_lock:
        worker = _workers.get(id(engine))
        if worker is None or worker.engine is not engine:
            worker = _workers[id(engine)] = AnalysisWorker(engine)
        return worker


def on_submitted(session: Session, response_id: int) -> None:
    """Hook for voice.responses.service.submit: analyse the response after the submit commits, off the request.

    Never fails the young person's submit. If the submit's transaction rolls back, nothing is queued.
    """
    try:
        pending = session.info.setdefault(_AFTER_COMMIT, [])
        if not session.info.get(_AFTER_COMMIT + "_listening"):
            event.listen(session, "after_commit", _dispatch_after_commit)
            event.listen(session, "after_rollback", _forget_after_rollback)
            session.info[_AFTER_COMMIT + "_listening"] = True
        pending.append(response_id)
    except Exception:  # the submit must succeed whatever happens to analysis
        log.exception("analysis of response %s not queued; the sweep will find it", response_id)


def _dispatch_after_commit(session: Session) -> None:
    ids = session.info.pop(_AFTER_COMMIT, None)
    if not ids:
        return
    try:
        bind = session.get_bind()
        worker = analysis_worker(getattr(bind, "engine", bind))
        for response_id in ids:
            worker.put(response_id)
    except Exception:
        log.exception("analysis of responses %s not queued; the sweep will find them", ids)


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)


__all__ = [
    "AnalysisCounts", "AnalysisWorker", "CodebookEntry", "NoChange", "active_codebook", "add_theme",
    "analyse_new_answers", "analyse_pending", "analyse_response", "analysis_worker", "check_codebook",
    "codebook_by_version", "codebook_history", "codebook_to_yaml",
    "codebook_yaml", "current_lexicon", "on_submitted", "save_codebook", "seed_codebook", "text_hash",
]
