"""The learned theme and sentiment models, and the concern backstop's threshold, on TUNING data only.

The codebook stays the facilitators' source: a theme they delete is never produced, an exclusion vetoes
the model too, a theme they add is decided by its words. The model files are pinned by their hashes, a
damaged one is refused and the rules run alone, and the held-out figures each file carries are the ones
the goals ask of unseen comments. The blind evaluation sets are never read by tests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from voice.analysis.codebook import Codebook, load_codebook
from voice.analysis.concerns import load_lexicon
from voice.analysis.model import ModelError, SENTIMENT_KIND, THEME_KIND, load_linear
from voice.analysis.pipeline import analyse, analyse_many, code_themes, themes_of
from voice.analysis.sentiment import NEUTRAL_BAND
from voice.analysis.tokenize import normalised_tokens
from voice.analysis.training import tuning_items

ROOT = Path(__file__).resolve().parents[3]
DEFINITIONS = ROOT / "surveys" / "analysis"
MODEL_FILES = ("concern_model.json", "theme_model.json", "sentiment_model.json")


def _figures(name: str) -> dict:
    return json.loads((DEFINITIONS / name).read_text(encoding="utf-8"))["cross_validated"]


def test_the_models_are_loaded_with_the_lexicon_and_change_its_version(lexicon):
    assert lexicon.model and lexicon.theme_model and lexicon.sentiment_model
    rules_only = load_lexicon(DEFINITIONS / "concern_lexicon.yaml", with_model=False)
    assert rules_only.version != lexicon.version  # stored results are re-made when a model is retrained
    assert lexicon.theme_model.kind == THEME_KIND and lexicon.sentiment_model.kind == SENTIMENT_KIND


def test_held_out_figures_in_the_files_meet_the_goals():
    """Each writer's items scored by models trained on the other writers (tuning data only)."""
    concern = _figures("concern_model.json")
    assert concern["pooled"]["recall"] >= 0.97 and concern["pooled"]["precision_at_35pct"] >= 0.65
    assert all(f["recall"] >= 0.95 for name, f in concern.items() if isinstance(f, dict) and "recall" in f
               and name not in ("rules_only",))
    themes = _figures("theme_model.json")
    assert themes["pooled"]["micro_f1"] > themes["pooled_codebook_only"]["micro_f1"]
    sentiment = _figures("sentiment_model.json")
    assert sentiment["pooled"]["model"] > sentiment["pooled"]["rules"]


def test_a_theme_deleted_from_the_codebook_is_never_produced(codebook, lexicon):
    text = "i cut myself most nights and i dont want to be here anymore"
    assert "self_harm_suicide" in analyse(text, codebook, lexicon).themes
    smaller = Codebook(themes=tuple(t for t in codebook.themes if t.id != "self_harm_suicide"), version="x")
    assert "self_harm_suicide" not in analyse(text, smaller, lexicon).themes


def test_an_exclusion_vetoes_the_model_too(codebook, lexicon):
    text = "my mum and dad are always shouting at each other at home"
    assert "family_home" in analyse(text, codebook, lexicon).themes
    themes = tuple(replace(t, exclusions=t.exclusions + ("shouting",)) if t.id == "family_home" else t
                   for t in codebook.themes)
    assert "family_home" not in analyse(text, Codebook(themes=themes, version="y"), lexicon).themes


def test_a_theme_the_model_does_not_know_is_decided_by_its_words(codebook, lexicon):
    new = replace(codebook.themes[0], id="transport", name="Transport", words=("bus", "buses", "train"), phrases=(),
                  exclusions=())
    book = Codebook(themes=codebook.themes + (new,), version="z")
    assert "transport" in analyse("the last bus is at 6 so i cant go anywhere", book, lexicon).themes
    assert "transport" not in analyse("i like drawing", book, lexicon).themes


def test_editing_one_theme_changes_no_other_themes_verdict(codebook, lexicon):
    """Re-coding after an edit touches the edited theme only: each theme is decided on its own."""
    edited = tuple(replace(t, words=t.words + ("homework",)) if t.id == "mental_health" else t for t in codebook.themes)
    book = Codebook(themes=edited, version="e")
    texts = [i.text for i in tuning_items() if i.source == "tuning2.jsonl"][:150]
    for text in texts:
        before = set(analyse(text, codebook, lexicon).themes) - {"mental_health"}
        after = set(analyse(text, book, lexicon).themes) - {"mental_health"}
        assert before == after, text


def test_recoding_gives_the_themes_analysis_gives(codebook, lexicon):
    for text in ("i cut myself", "nobody at school listens", "😭", "ktoś ma moje zdjęcia i chce pieniędzy", ""):
        assert themes_of(text, codebook, lexicon) == analyse(text, codebook, lexicon).themes
    sub = Codebook(themes=tuple(t for t in codebook.themes if t.id in ("being_heard", "school_support")), version="s")
    full = analyse("nobody at school listens to us", codebook, lexicon).themes
    assert (set(themes_of("nobody at school listens to us", sub, lexicon))
            == set(full) & {"being_heard", "school_support"})


@pytest.mark.parametrize("text, label", [
    ("the school counsellor helped me with panic attacks, she taught me breathing stuff that actually works",
     "positive"),
    ("camhs were good once i got seen but the wait was awful, 11 months", "negative"),
    ("nobody listens to us", "negative"),
    ("idk", "neutral"),
    ("n/a", "neutral"),
])
def test_sentiment_model_on_everyday_comments(codebook, lexicon, text, label):
    assert analyse(text, codebook, lexicon).sentiment.label == label


def test_polarity_stays_on_its_labels_side_of_the_neutral_band(codebook, lexicon):
    texts = [i.text for i in tuning_items() if i.source == "tuning.jsonl"][:200]
    for result in analyse_many(texts, codebook, lexicon, cache=False):
        s = result.sentiment
        assert -1.0 <= s.polarity <= 1.0
        if s.label == "positive":
            assert s.polarity >= NEUTRAL_BAND
        elif s.label == "negative":
            assert s.polarity <= -NEUTRAL_BAND
        elif s.label == "neutral":
            assert abs(s.polarity) < NEUTRAL_BAND


def test_the_concern_backstop_is_not_asked_about_non_answers(lexicon):
    for text in ("idk", "i don't know", "not sure tbh", "no", "nothing"):
        assert not lexicon.detect(text).flag


@pytest.mark.parametrize("name, kind", [("theme_model.json", THEME_KIND), ("sentiment_model.json", SENTIMENT_KIND)])
def test_a_damaged_theme_or_sentiment_model_is_refused_and_the_rules_run(tmp_path, caplog, name, kind):
    for f in ("concern_lexicon.yaml",) + tuple(m for n in MODEL_FILES for m in (n, n + ".sha256")):
        shutil.copy(DEFINITIONS / f, tmp_path / f)
    assert load_linear(tmp_path / name, kind).version
    path = tmp_path / name
    path.write_text(path.read_text(encoding="utf-8").replace('"format": 1', '"format": 1, "x": 1'), encoding="utf-8")
    with pytest.raises(ModelError, match="does not match"):
        load_linear(path, kind)
    lexicon = load_lexicon(tmp_path / "concern_lexicon.yaml")
    assert f"{name} not used" in caplog.text
    assert (lexicon.theme_model is None) == (kind == THEME_KIND)
    assert (lexicon.sentiment_model is None) == (kind == SENTIMENT_KIND)
    codebook = load_codebook(DEFINITIONS / "codebook.yaml")
    result = analyse("nobody at school listens to me and i feel so alone", codebook, lexicon)
    assert result.themes and result.sentiment.label == "negative"


def test_a_model_file_of_the_wrong_kind_is_refused(tmp_path):
    for f in ("theme_model.json", "theme_model.json.sha256"):
        shutil.copy(DEFINITIONS / f, tmp_path / f)
    with pytest.raises(ModelError, match="not a"):
        load_linear(tmp_path / "theme_model.json", SENTIMENT_KIND)


def test_without_the_learned_models_the_rules_alone_still_code(codebook):
    rules_only = load_lexicon(DEFINITIONS / "concern_lexicon.yaml", with_model=False)
    tokens = normalised_tokens("nobody at school listens to me")
    assert code_themes(tokens, codebook, rules_only) == tuple(codebook.code_tokens(tokens))


def test_tuning_items_never_include_the_blind_sets():
    sources = {i.source for i in tuning_items()}
    assert "tuning2.jsonl" in sources and "tuning.jsonl" in sources
    assert not any("blind" in s or "eval" in s for s in sources)
    writers = {i.writer for i in tuning_items()}
    assert {"fixtures", "own:i13", "own:i13b", "independent:tuning", "independent:tuning2"} <= writers


def test_the_concern_model_file_is_a_rebuild_of_the_tuning_data():
    """`scripts/train_concern_model.py --check` (a few seconds; the theme and sentiment checks are slower)."""
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_concern_model.py"), "--check"],
                          capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src"),
                                                                         "PATH": "/usr/bin:/bin"}, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize("script", ["train_theme_model.py", "train_sentiment_model.py"])
def test_the_theme_and_sentiment_model_files_are_rebuilds_of_the_tuning_data(script):
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / script), "--check"],
                          capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src"),
                                                                         "PATH": "/usr/bin:/bin"}, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
