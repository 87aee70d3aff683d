"""One reader, one problem type and one content hash for every definition file (voice.definitions)."""

from __future__ import annotations

import pickle

import pytest

from voice.analysis import DefinitionError as AnalysisDefinitionError
from voice.analysis.codebook import load_codebook, parse_codebook
from voice.analysis.concerns import load_lexicon, parse_lexicon
from voice.definitions import (
    MAX_DEPTH,
    DefinitionError,
    Problem,
    compose_yaml,
    content_hash,
    read_definition_text,
    read_yaml,
)
from voice.evidence.plan_file import PlanFileError, load_plan_file, parse_plan
from voice.surveys import editor
from voice.surveys.loader import SurveyFileError, load_survey_file, load_survey_text, survey_from_dict
from voice.surveys.registry import content_hash as registry_hash

from tests.unit.surveys.survey_test_helpers import SURVEYS_DIR, minimal_survey, to_yaml

BROKEN = "themes:\n  - id: x\n    name: [unclosed\n"


@pytest.mark.parametrize("parse, error", [
    (lambda t: load_survey_text(t, "f.yaml"), SurveyFileError),
    (lambda t: parse_codebook(t, "f.yaml"), DefinitionError),
    (lambda t: parse_lexicon(t, "f.yaml"), DefinitionError),
    (lambda t: parse_plan(t, "f.yaml"), PlanFileError),
])
def test_every_definition_reports_the_same_problem_the_same_way(parse, error):
    with pytest.raises(error) as caught:
        parse(BROKEN)
    [problem] = caught.value.problems
    assert isinstance(problem, Problem)
    assert (problem.file, problem.line, problem.code) == ("f.yaml", 4, "yaml_syntax")
    assert problem.message.startswith("not valid YAML")
    assert isinstance(caught.value, DefinitionError)  # one error family: catch DefinitionError, get them all


def test_the_analysis_error_is_the_shared_one_and_still_reads_as_one_problem():
    assert AnalysisDefinitionError is DefinitionError
    err = DefinitionError("codebook.yaml", 9, "themes[1].words", "must be a list of words", code="not_a_list")
    assert (err.file, err.line, err.field, err.code, err.message) == (
        "codebook.yaml", 9, "themes[1].words", "not_a_list", "must be a list of words")
    assert str(err) == "codebook.yaml, line 9, field themes[1].words: must be a list of words"
    again = pickle.loads(pickle.dumps(err))
    assert again.problems == err.problems


@pytest.mark.parametrize("load", [load_survey_file, load_codebook, load_lexicon, load_plan_file])
def test_missing_and_non_utf8_files_read_the_same_everywhere(load, tmp_path):
    with pytest.raises(DefinitionError) as caught:
        load(tmp_path / "nope.yaml")
    assert caught.value.problems[0].code == "file_missing"
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(DefinitionError) as caught:
        load(latin)
    assert caught.value.problems[0].code == "not_utf8"


def test_limits_are_checked_before_data_is_built(tmp_path):
    deep = "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    assert read_yaml(deep, "deep.yaml").problems[0].code == "yaml_too_deep"
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2_100_000, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        read_definition_text(big)
    assert caught.value.problems[0].code == "file_too_large"


def test_plain_aliases_still_work():
    # surveys/safe_feel_safe.yaml reuses one option list with &how_often / *how_often.
    survey = load_survey_file(SURVEYS_DIR / "safe_feel_safe.yaml")
    lists = [tuple(o.id for o in survey.question(q).options)
             for q in ("feel_safe_school", "feel_safe_home", "feel_safe_online", "feel_safe_community")]
    assert len(set(lists)) == 1 and lists[0][:2] == ("always", "mostly")
    assert compose_yaml("a: &x [1]\nb: *x\n", "x.yaml") is not None


def test_line_numbers_for_every_field():
    doc = read_yaml("id: x\nsections:\n  - id: s\n    questions: []\n", "f.yaml")
    assert doc.lines["sections[0].questions"] == 4 and doc.line_for("sections[0].questions[0].id") == 4


def test_one_content_hash_same_content_same_hash():
    data = {"b": [1, 2], "a": "é", "when": __import__("datetime").date(2021, 4, 1)}
    assert content_hash(data) == content_hash({"when": data["when"], "a": "é", "b": [1, 2]})
    assert len(content_hash(data)) == 64
    assert registry_hash is content_hash  # survey versions use it
    text = "themes:\n  - id: a\n    name: A\n    words: [x]\n"
    assert parse_codebook(text, "a").version == parse_codebook("# a comment\n" + text, "b").version
    assert parse_codebook(text, "a").version == content_hash(
        {"themes": [{"id": "a", "name": "A", "description": "", "priorities": [], "words": ["x"], "phrases": [],
                     "exclusions": []}]})[:12]


def test_the_editor_matches_problems_by_code_not_by_their_words(minimal, monkeypatch):
    draft = editor.add_section(minimal, "empty", "An empty section")  # normal while building: not refused
    assert [p.code for p in editor.publish_problems(draft)] == ["empty_section"]
    # Rewording the loader's message must not change what the editor lets through.
    import voice.surveys.loader as loader

    original = loader._Builder.questions

    def reworded(self, value, path):
        if not isinstance(value, list) or not value:
            self.problem(path, loader.CODE_EMPTY_SECTION, "Entirely new words for an empty section")
            return []
        return original(self, value, path)

    monkeypatch.setattr(loader._Builder, "questions", reworded)
    draft = editor.add_section(draft, "another", "Another empty one")
    assert editor.publish_problems(draft)[0].message == "Entirely new words for an empty section"


def test_messages_from_the_editor_have_no_empty_line_references(minimal):
    data = minimal_survey()
    data["sections"][0]["questions"].append(dict(data["sections"][0]["questions"][0]))
    with pytest.raises(SurveyFileError) as caught:
        survey_from_dict(data)
    assert "line" not in caught.value.problems[0].message  # no "(first on line None)"
    with pytest.raises(SurveyFileError) as caught:
        load_survey_text(to_yaml(data), "f.yaml")
    assert "(first on line 13)" in caught.value.problems[0].message
