"""The results screen: choose survey, campaign and breakdown; per question a chart, its description and its
table; the whole table to download as CSV or Excel. Figures come from voice.stats (the same as `voice stats`
and the school packs); the table and both downloads from one function (`voice.stats.tables.result_table`),
so a download holds exactly what the screen shows, hidden the same way."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import func, select

from voice.config import get_settings
from voice.models import Response
from voice.stats import AREA, GROUP, SUPPRESSED_TEXT, ResultRow, campaigns_of, question_results, value_label
from voice.stats.release import RELEASE_STEP
from voice.stats.tables import RESULT_COLUMNS, result_table, table_bytes
from voice.surveys.registry import get_survey
from voice.surveys.schema import tr
from voice.ui.runtime import db_session
from voice.ui.text import plain

MAX_SERIES_IN_CHART = 6  # beyond this a grouped bar chart is unreadable; the table still has every value
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def _campaign_choices(session, survey_id: str) -> dict[str, str]:
    """Campaign name -> how the menu shows it: waves with their dates, the always-open link said as such."""
    from voice.stats.waves import date_words, is_wave

    out = {}
    for c in campaigns_of(session, survey_id):
        out[c.name] = (f"{c.title or c.name} ({date_words(c)})" if is_wave(c)
                       else "Always-open link (answers outside any wave)")
    return out


def render_results() -> None:
    from voice.stats.headcounts import respondents
    from voice.stats.release import has_waiting
    from voice.stats.suppression import GROUP_MIN_BASE
    from voice.surveys.titles import survey_titles

    st.title("Survey results")
    st.caption(f"Each percentage is of the young people who were asked the question and answered it, not "
               f"counting 'prefer not to say' (shown on its own line). A figure from {SUPPRESSED_TEXT} young people "
               f"reads '{SUPPRESSED_TEXT}', and so does any figure it could be worked out from; so do 0% and 100% "
               f"of fewer than {GROUP_MIN_BASE}. While a campaign is open its figures are brought up to date in "
               f"steps of {RELEASE_STEP} answers.")
    with db_session() as session:
        titles = survey_titles(session)
        served = [sid for sid, _ in sorted(titles.items(), key=lambda kv: kv[1].lower())
                  if _served(session, sid)]
    if not served:
        st.info("No surveys have been published yet.")
        return
    survey_id = st.selectbox("Survey", served, format_func=lambda s: titles[s], key="results_survey")
    with db_session() as session:
        _, survey = get_survey(session, survey_id)
        campaign_titles = _campaign_choices(session, survey_id)
    if not campaign_titles:
        st.info("This survey has no campaigns yet.")
        return
    campaign = st.selectbox("Campaign", list(campaign_titles), format_func=lambda c: campaign_titles[c],
                            key="results_campaign")
    closed = [q for q in survey.questions if q.is_closed]
    by_choices = [None, GROUP, AREA] + [q.id for q in closed]
    by_names: dict[str | None, str] = {None: "Whole area only", GROUP: "By school or group", AREA: "By area",
                **{q.id: f"By answer to: {tr(q.text)}" for q in closed}}
    by = st.selectbox("Break down", by_choices, format_func=lambda b: by_names[b], key="results_by")

    version = _data_version(survey_id, campaign)
    with db_session() as session:
        from voice.stats import resolve_campaign

        count = respondents(session, survey_id, campaign)
        waiting = has_waiting(session, resolve_campaign(session, survey_id, campaign))
    if count.count == 0:
        if waiting:
            st.info(f"Young people have started to answer in '{plain(campaign_titles[campaign])}'. Their answers "
                    f"join the figures once {RELEASE_STEP} have arrived (or the campaign closes), so no one's answers "
                    "can be picked out.")
        else:
            st.info(f"Nobody has sent in this survey in '{plain(campaign_titles[campaign])}' yet, so there are no "
                    "results to show. Results appear here as soon as young people submit their answers.")
        return
    url = get_settings().database_url
    rows = _results(url, survey_id, campaign, by, version)
    labels = _labels(url, survey_id, by, tuple(dict.fromkeys(r.value for r in rows)), version) if by else {}
    st.write(count.sentence("answered"))
    if waiting:
        st.caption("More answers have arrived since these figures were brought up to date. They are added once "
                   f"{RELEASE_STEP} more have come in, or when the campaign closes, so no one's answers can be "
                   "picked out.")
    _downloads(result_table(survey, rows, by, labels), survey_id, campaign, by)
    _render_questions(survey, rows, by, labels)


def _served(session, survey_id: str) -> bool:
    from voice.models import SurveyRecord

    record = session.get(SurveyRecord, survey_id)
    return record is not None and not record.archived


def _downloads(table: list[dict[str, str]], survey_id: str, campaign: str, by: str | None) -> None:
    name = f"results-{survey_id}-{campaign}" + (f"-by-{by}" if by else "")
    left, right = st.columns(2)
    left.download_button("Download these figures (CSV)", table_bytes(table, "csv"), file_name=f"{name}.csv",
                         mime="text/csv", key="results_csv", icon=":material/download:")
    right.download_button("Download these figures (Excel)", table_bytes(table, "xlsx"), file_name=f"{name}.xlsx",
                          mime=XLSX_MIME, key="results_xlsx", icon=":material/table_view:")
    st.caption(f"The files hold the table below for every question, hidden figures reading '{SUPPRESSED_TEXT}', "
               "exactly as shown here.")


def _render_questions(survey, rows: list[ResultRow], by, labels: dict) -> None:
    import pandas as pd

    from voice.reports.charts import bar_chart, caption
    from voice.ui.charts import show_chart

    columns = [c for c in RESULT_COLUMNS if c != "Question" and (by is not None or c != "Breakdown")]
    for question in [q for q in survey.questions if q.is_closed]:
        mine = [r for r in rows if r.question_id == question.id]
        if not mine:
            continue
        options = {o.id: tr(o.label) for o in question.options}
        series = {(r.by, r.value): labels.get(r.value, "Whole area") for r in mine}
        st.subheader(plain(tr(question.text)))
        if len(series) <= MAX_SERIES_IN_CHART:
            show_chart(bar_chart(mine, options, series), caption(mine, options, series), key=f"results_{question.id}")
        else:
            st.caption(f"{len(series)} breakdown values: too many for one chart, so the figures are in the table.")
        # The same rows as the downloads (result_table), this question's part; a grid, as a breakdown can be long.
        table = result_table(survey, mine, by, labels)
        st.dataframe(pd.DataFrame([{c: row[c] for c in columns} for row in table], columns=columns),
                     hide_index=True, width="stretch")
