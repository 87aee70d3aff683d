"""Everything from outside on screen: always as text, never as Markdown or HTML.

"From outside" is anything the app did not write itself: young people's words, link parameters
(`?group=`, `?campaign=`, `?survey=`), group names from a CSV, survey and campaign names and wording,
names typed by staff. Prefer `st.text(...)` or a DataFrame for it. Where a string must go through
Markdown (st.write, st.markdown, st.error/warning/info/success, a caption, a title, a button or
option label, a chart title), pass it through `plain()` first so `**`, `[link](…)`, `![](…)`,
`:red[…]`, `:material/…:` or `<b>` show as typed instead of changing the page or loading anything.

One exception: a widget's own label is also its accessible name (Streamlit copies the raw string into
`aria-label`), so backslashes would be read out. Labels that come from outside go through `label()`.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

# Every ASCII punctuation character can be backslash-escaped in CommonMark; escaping all of
# them (":" and "~" too, for Streamlit's colour, icon and emoji directives) leaves nothing to interpret.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=\"'^%@/;,?])")


# GitHub-flavoured Markdown turns bare addresses into live links even when their punctuation is escaped
# ("https\:\/\/…", "www\.…", "a\@b…"). An invisible WORD JOINER (U+2060) breaks each pattern: the text
# reads the same, screen readers skip it, and nothing becomes a link.
_AUTOLINK = re.compile(r"(?i)(://|www(?=\.)|@)")
_JOINER = "\u2060"


def _no_autolinks(value: str) -> str:
    return _AUTOLINK.sub(lambda m: m.group(1)[0] + _JOINER + m.group(1)[1:], value)


def plain(text: object) -> str:
    """`text` escaped for Markdown: it renders exactly as written, on one logical paragraph per line."""
    value = "" if text is None else str(text)
    value = _no_autolinks(value.replace("\x00", ""))
    escaped = _SPECIAL.sub(r"\\\1", value)
    # Markdown would join lines, or turn indentation into a code block: keep each line as written.
    return "  \n".join(line.strip() for line in escaped.splitlines())


# What a label's Markdown could act on: links and images need [ ], emphasis * _ ~, code `, maths $,
# HTML < >, tables |, headings #; a backslash could undo the rest.
_LABEL_SPECIAL = re.compile(r"[\\`*_{}\[\]<>#|~$^]")


def label(text: object) -> str:
    """`text` for a widget label: the characters Markdown could act on are dropped (not escaped), so the
    label renders as plain words and screen readers read the same words from its aria-label."""
    value = "" if text is None else str(text)
    return " ".join(_LABEL_SPECIAL.sub(" ", _no_autolinks(value.replace("\x00", ""))).split())


def short(text: str | None, limit: int = 80) -> str:
    """A one-line preview of a longer text (still to be shown as text)."""
    one_line = " ".join((text or "").split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def named(names: Mapping[Any, object]) -> Callable[[Any], str]:
    """A widget's format_func from option -> label, as Streamlit shows `names.get` (it str()s the result)."""
    return lambda option: str(names.get(option))
