"""Percentages with the right bases, small-number suppression, comparisons.

Every screen, table, export and report takes its figures from here.
"""

from voice.stats.results import (
    AREA,
    GROUP,
    NO_VALUE,
    CampaignComparison,
    ResultRow,
    SchoolFigure,
    SchoolResults,
    StatsError,
    UnknownBreakdown,
    UnknownStatsCampaign,
    all_schools_vs_area,
    breakdown_choices,
    campaigns_of,
    change_in_points,
    compare_campaigns,
    option_label,
    question_results,
    resolve_campaign,
    respondent_counts,
    response_count,
    school_vs_area,
    value_label,
)
from voice.stats.suppression import (
    MIN_BASE,
    SUPPRESSED_TEXT,
    format_count,
    format_percent,
    free_text_allowed,
    percentage,
)

__all__ = [
    "AREA", "GROUP", "MIN_BASE", "NO_VALUE", "SUPPRESSED_TEXT", "CampaignComparison", "ResultRow", "SchoolFigure",
    "SchoolResults", "StatsError", "UnknownBreakdown", "UnknownStatsCampaign", "all_schools_vs_area",
    "breakdown_choices", "campaigns_of", "change_in_points", "compare_campaigns", "format_count",
    "format_percent", "free_text_allowed", "option_label", "percentage", "question_results", "resolve_campaign",
    "respondent_counts", "response_count", "school_vs_area", "value_label",
]
