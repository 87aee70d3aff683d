"""The results screen: choose survey, campaign and breakdown; per question a chart, its description and
its table. Figures come from voice.stats; charts from voice.reports.charts (the same as the packs)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import func, select

from voice.config import get_settings
from voice.models import Response
from voice.stats import (AREA, GROUP, SUPPRESSED_TEXT, ResultRow, campaigns_of, format_count, format_percent,
                         question_results, value_label)
from voice.surveys.registry import get_survey, list_surveys
from voice.surveys.schema import PREFER_NOT_TO_SAY, tr
from voice.ui.runtime import db_session

MAX_SERIES_IN_CHART = 6  # beyond this a grouped bar chart is unreadable; the table still has every value


def _data_version(survey_id: str, campaign: str) -> tuple:
    """Changes whenever a response is submitted to the campaign, so cached figures are never stale."""
    from voice.models import Campaign

    with db_session() as session:
        row = session.execute(
            select(func.count(Response.id), func.max(Response.submitted_at))
            .join(Campaign, Campaign.id == Response.campaign_id)
            .where(Campaign.name == campaign, Response.survey_id == survey_id, Response.status == "submitted")
        ).one()
    return int(row[0]), str(row[1])


@st.cache_data(show_spinner="Counting…", max_entries=64)
def _results(database_url: str, survey_id: str, campaign: str, by: str | None, version: tuple) -> list[ResultRow]:
    # database_url and version are part of the cache key: a different database or new responses recompute.
    with db_session() as session:
        return question_results(session, survey_id, campaign, by=by)


@st.cache_data(max_entries=64)
def _labels(database_url: str, survey_id: str, by: str | None, values: tuple, version: tuple) -> dict:
    with db_session() as session:
        _, survey = get_survey(session, survey_id)
        return {v: value_label(session, survey, by, v) for v in values}


def render_results() -> None:
    st.title("Survey results")
    st.caption(f"Each percentage is of the young people who were asked the question and answered it, not "
               f"counting 'prefer not to say' (shown on its own line). A figure from fewer than 10 young people "
               f"reads '{SUPPRESSED_TEXT}', and so does any figure it could be worked out from.")
    with db_session() as session:
        surveys = list_surveys(session, include_unlisted=True)
    if not surveys:
        st.info("No surveys have been published yet.")
        return
    titles = dict(surveys)
    survey_id = st.selectbox("Survey", list(titles), format_func=lambda s: titles[s], key="results_survey")
    with db_session() as session:
        _, survey = get_survey(session, survey_id)
        campaigns = [(c.name, c.title or c.name) for c in campaigns_of(session, survey_id)]
    if not campaigns:
        st.info("This survey has no campaigns yet.")
        return
    campaign_titles = dict(campaigns)
    campaign = st.selectbox("Campaign", list(campaign_titles), format_func=lambda c: campaign_titles[c],
                            key="results_campaign")
    closed = [q for q in survey.questions if q.is_closed]
    by_choices = [None, GROUP, AREA] + [q.id for q in closed]
    by_names = {None: "Whole area only", GROUP: "By school or group", AREA: "By area",
                **{q.id: f"By answer to: {tr(q.text)}" for q in closed}}
    by = st.selectbox("Break down", by_choices, format_func=lambda b: by_names[b], key="results_by")

    version = _data_version(survey_id, campaign)
    if version[0] == 0:
        st.info(f"Nobody has sent in this survey in '{campaign_titles[campaign]}' yet, so there are no results "
                "to show. Results appear here as soon as young people submit their answers.")
        return
    url = get_settings().database_url
    rows = _results(url, survey_id, campaign, by, version)
    if by is not None:
        values = tuple(dict.fromkeys(r.value for r in rows))
        labels = _labels(url, survey_id, by, values, version)
    else:
        labels = {}
    st.write(f"{version[0]:,} young people answered.")
    _render_questions(survey, rows, by, labels)


def _render_questions(survey, rows: list[ResultRow], by, labels: dict) -> None:
    from voice.reports.charts import bar_chart, caption
    from voice.ui.charts import show_chart

    for question in [q for q in survey.questions if q.is_closed]:
        mine = [r for r in rows if r.question_id == question.id]
        if not mine:
            continue
        options = {o.id: tr(o.label) for o in question.options}
        series = {(r.by, r.value): labels.get(r.value, "Whole area") for r in mine}
        st.subheader(tr(question.text))
        if len(series) <= MAX_SERIES_IN_CHART:
            show_chart(bar_chart(mine, options, series), caption(mine, options, series))
        else:
            st.caption(f"{len(series)} breakdown values: too many for one chart, so the figures are in the table.")
        table = pd.DataFrame([{
            **({"Breakdown": series[(r.by, r.value)]} if by is not None else {}),
            "Answer": options.get(r.option_id, r.option_id) + (" (of all who answered)"
                                                               if r.option_id == PREFER_NOT_TO_SAY else ""),
            "n": format_count(r.count, r.suppressed),
            "Base": format_count(r.base, r.suppressed),
            "%": format_percent(r.percent, r.suppressed),
        } for r in mine])
        st.dataframe(table, hide_index=True, width="stretch")
