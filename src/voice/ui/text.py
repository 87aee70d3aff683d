"""Young people's words on staff pages: always as text, never as Markdown or HTML.

Prefer `st.text(...)` or a DataFrame for stored text. Where a string must go through Markdown
(st.write, st.markdown, a caption), pass it through `plain()` first so `**`, `[link](…)`,
`:red[…]`, `:material/…:` or `<b>` show as typed instead of changing the page.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character can be backslash-escaped in CommonMark; escaping all of
# them (":" and "~" too, for Streamlit's colour, icon and emoji directives) leaves nothing to interpret.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=\"'^%@/;,?])")


def plain(text: object) -> str:
    """`text` escaped for Markdown: it renders exactly as written, on one logical paragraph per line."""
    value = "" if text is None else str(text)
    value = value.replace("\x00", "")
    escaped = _SPECIAL.sub(r"\\\1", value)
    # Markdown would join lines, or turn indentation into a code block: keep each line as written.
    return "  \n".join(line.strip() for line in escaped.splitlines())


_AUTOLINK = re.compile(r"(\\:)(?=\\/\\/)|(?<=www)(?=\\\.)|(?=\\@)", re.IGNORECASE)


def unlinked(text: object) -> str:
    """`plain(text)`, and never a live link: GitHub-flavoured Markdown turns a written address (http://…,
    www.…, name@host) into a link even when every character is escaped, so an invisible zero-width space
    goes inside each one. For a young person's own words shown back to them (piping)."""
    return _AUTOLINK.sub(lambda m: (m.group(1) or "") + "\u200b", plain(text))


def short(text: str | None, limit: int = 80) -> str:
    """A one-line preview of a longer text (still to be shown as text)."""
    one_line = " ".join((text or "").split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
