"""Survey -> plain data / YAML, in the same layout as a survey file.

Round trip: load_survey_text(survey_to_yaml(s)) == s (apart from `source`). Defaults the
loader fills in (languages [en], the default retention, yes/no options, the trailing
"Prefer not to say" unless the survey turns it off) are left out, so a saved file stays as short
as a hand-written one.
"""

from __future__ import annotations

from typing import Any

import yaml

from voice.surveys.schema import (
    DEFAULT_LANGUAGE,
    DEFAULT_RETENTION_MONTHS,
    PREFER_NOT_TO_SAY,
    PREFER_NOT_TO_SAY_LABEL,
    TEXT_MAX_LENGTH,
    YES_NO_OPTION_IDS,
    Condition,
    Option,
    Question,
    Section,
    Survey,
    Text,
)

_YES_NO_DEFAULT_LABELS = {"yes": {"en": "Yes"}, "no": {"en": "No"}, PREFER_NOT_TO_SAY: dict(PREFER_NOT_TO_SAY_LABEL)}


def wording_to_data(text: Text) -> str | dict[str, str]:
    """English-only wording as a plain string, otherwise the language mapping."""
    if set(text) == {DEFAULT_LANGUAGE}:
        return text[DEFAULT_LANGUAGE]
    return dict(text)


def condition_to_dict(condition: Condition) -> dict[str, Any]:
    if condition.op in ("all", "any"):
        return {condition.op: [condition_to_dict(c) for c in condition.conditions]}
    data: dict[str, Any] = {"question": condition.question}
    if condition.op == "answered":
        data["answered"] = True
    elif condition.op == "in":
        data["in"] = list(condition.values)
    else:
        data[condition.op] = condition.values[0]
    return data


def _option_to_dict(option: Option) -> dict[str, Any]:
    data: dict[str, Any] = {"id": option.id, "label": wording_to_data(option.label)}
    if option.emoji is not None:
        data["emoji"] = option.emoji
    if option.exclusive and option.id != PREFER_NOT_TO_SAY:  # the loader makes it exclusive on multi anyway
        data["exclusive"] = True
    return data


def _options_to_data(question: Question, add_prefer_not_to_say: bool = True) -> list[dict[str, Any]] | None:
    options = list(question.options)
    if question.type == "yes_no":
        implicit = list(YES_NO_OPTION_IDS) if add_prefer_not_to_say else ["yes", "no"]
        if [o.id for o in options] == implicit and all(
            dict(o.label) == _YES_NO_DEFAULT_LABELS[o.id] and o.emoji is None for o in options
        ):
            return None  # the loader supplies these
        return [_option_to_dict(o) for o in options]
    if not question.is_closed:
        return None
    last = options[-1] if options else None
    if (add_prefer_not_to_say and last and last.id == PREFER_NOT_TO_SAY
            and dict(last.label) == dict(PREFER_NOT_TO_SAY_LABEL) and last.emoji is None):
        options = options[:-1]  # appended again on load
    return [_option_to_dict(o) for o in options]


def question_to_dict(question: Question, add_prefer_not_to_say: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {"id": question.id, "type": question.type, "text": wording_to_data(question.text)}
    if question.help:
        data["help"] = wording_to_data(question.help)
    options = _options_to_data(question, add_prefer_not_to_say)
    if options is not None:
        data["options"] = options
    if question.options_list:
        data["options_list"] = question.options_list
    if question.required:
        data["required"] = True
    if question.show_if is not None:
        data["show_if"] = condition_to_dict(question.show_if)
    if question.sensitive:
        data["sensitive"] = True
    if question.priorities:
        data["priorities"] = list(question.priorities)
    for key in ("min", "max"):
        value = getattr(question, key)
        if value is not None:
            data[key] = int(value) if float(value).is_integer() else value
    if question.decimals:
        data["decimals"] = True
    if question.type == "text" and question.max_length != TEXT_MAX_LENGTH:
        data["max_length"] = question.max_length
    if question.risk:
        data["risk"] = dict(question.risk)
    return data


def section_to_dict(section: Section, add_prefer_not_to_say: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {"id": section.id, "title": wording_to_data(section.title)}
    if section.intro:
        data["intro"] = wording_to_data(section.intro)
    if not section.group:
        data["group"] = False
    data["questions"] = [question_to_dict(q, add_prefer_not_to_say) for q in section.questions]
    return data


def survey_to_dict(survey: Survey) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": survey.id,
        "title": wording_to_data(survey.title),
        "version": survey.version,
        "audience": {"min_age": survey.audience_min_age, "max_age": survey.audience_max_age},
        "intro": wording_to_data(survey.intro),
        "privacy_notice": wording_to_data(survey.privacy_notice),
    }
    if survey.audience_who:
        data["audience"]["who"] = wording_to_data(survey.audience_who)
    if survey.minutes:
        data["minutes"] = survey.minutes
    if tuple(survey.languages) != (DEFAULT_LANGUAGE,):
        data["languages"] = list(survey.languages)
    if survey.language_names:
        data["language_names"] = dict(survey.language_names)
    if survey.priorities:
        data["priorities"] = list(survey.priorities)
    if survey.retention_months != DEFAULT_RETENTION_MONTHS:
        data["retention_months"] = survey.retention_months
    if not survey.add_prefer_not_to_say:
        data["add_prefer_not_to_say"] = False
    data["sections"] = [section_to_dict(s, survey.add_prefer_not_to_say) for s in survey.sections]
    return data


def survey_to_yaml(survey: Survey) -> str:
    # safe_dump quotes strings YAML would misread (yes, no, 10_13, "1"), so ids survive.
    return yaml.safe_dump(survey_to_dict(survey), sort_keys=False, allow_unicode=True, width=100)
