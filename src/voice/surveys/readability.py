"""Reading-level check: is the wording plain enough for the youngest in the audience?

We use the Flesch-Kincaid grade (textstat) and map a US school grade to a UK age as
age = grade + 5 (grade 5 is about age 10, Year 6). A text is flagged when its grade is
above the youngest age minus 5. Very short texts (under MIN_WORDS words) are not scored:
the formula is meaningless for "Your age" or "About you". Texts under SHORT_TEXT_WORDS
words get SHORT_TEXT_TOLERANCE grades of leeway: on one short sentence a single
three-syllable word ("anything", "online") moves the grade by one or two, which is within
the formula's own error, and would flag wording any 10-year-old reads easily.

Why not textstat.flesch_kincaid_grade itself: for English, textstat 0.7.x counts syllables
with NLTK's cmudict, which it tries to download on first use (a network call at check time,
failing offline). So we take word and sentence counts from textstat and count syllables
with a small vowel-group rule: deterministic, offline, and close enough for a warning.
"""

from __future__ import annotations

import re

import textstat

from voice.surveys.schema import DEFAULT_LANGUAGE, Survey, Text

GRADE_TO_AGE = 5
MIN_WORDS = 4
SHORT_TEXT_WORDS = 12
SHORT_TEXT_TOLERANCE = 1.0

_WORD_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def count_syllables(word: str) -> int:
    """Vowel groups, less a silent final e / -es / -ed; at least one per word."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    w = re.sub(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$", "", w)
    w = re.sub(r"^y", "", w)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", w)))


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade: 0.39 * words/sentence + 11.8 * syllables/word - 15.59."""
    words = _WORD_RE.findall(text)
    if not words:
        return 0.0
    n_words = len(words)
    n_sentences = max(1, textstat.sentence_count(text))
    n_syllables = sum(count_syllables(w) for w in words)
    return 0.39 * n_words / n_sentences + 11.8 * n_syllables / n_words - 15.59


def max_grade_for_age(age: int) -> float:
    return float(age - GRADE_TO_AGE)


def _texts(survey: Survey) -> list[tuple[str, Text]]:
    items: list[tuple[str, Text]] = [("intro", survey.intro), ("privacy_notice", survey.privacy_notice)]
    for s in survey.sections:
        items.append((f"section {s.id} intro", s.intro))
        for q in s.questions:
            items.append((f"question {q.id} text", q.text))
            items.append((f"question {q.id} help", q.help))
    return items


def reading_level_warnings(survey: Survey) -> list[str]:
    """One message per text whose reading level is above the audience's youngest age."""
    limit = max_grade_for_age(survey.audience_min_age)
    warnings = []
    for where, text in _texts(survey):
        words = (text or {}).get(DEFAULT_LANGUAGE, "")
        if len(words.split()) < MIN_WORDS:
            continue
        grade = reading_grade(words)
        allowed = limit + (SHORT_TEXT_TOLERANCE if len(_WORD_RE.findall(words)) < SHORT_TEXT_WORDS else 0.0)
        if grade > allowed:
            warnings.append(
                f"{survey.source or survey.id}: {where} reads at about age {grade + GRADE_TO_AGE:.1f}, "
                f"above the youngest reader ({survey.audience_min_age}); try shorter sentences and "
                f"everyday words: \"{words}\""
            )
    return warnings
