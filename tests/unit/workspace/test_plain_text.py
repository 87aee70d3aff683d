"""voice.ui.text.plain: stored text goes through Markdown without changing the page."""

from voice.ui.text import plain, short


def test_markdown_html_and_streamlit_directives_are_escaped():
    out = plain("**bold** [x](http://e.example) :red[alarm] :material/home: <b>hi</b> # heading")
    for raw in ("**", "[x]", "](", ":red[", ":material/", "<b>"):
        assert raw not in out
    assert "\\#" in out and "\\:red\\[" in out and "\\<b\\>" in out
    shown = out.replace("\\", "").replace("\u2060", "")  # escapes and the joiner that stops autolinks
    assert shown == "**bold** [x](http://e.example) :red[alarm] :material/home: <b>hi</b> # heading"


def test_bare_addresses_do_not_become_links():
    """GFM links bare addresses even with their punctuation escaped: a word joiner breaks each pattern."""
    for text in ("https://evil.example/x", "www.evil.example", "kid@evil.example", "HTTP://EVIL.EXAMPLE"):
        out = plain(text)
        assert "://" not in out.replace("\\", "") and "www." not in out.lower().replace("\\", "")
        assert "@" not in out or "@\u2060" in out
        assert out.replace("\\", "").replace("\u2060", "") == text


def test_lines_are_kept_and_nul_dropped():
    assert plain("one\n    two\x00") == "one  \ntwo"
    assert plain(None) == ""
    assert short("a " * 100, 10).endswith("…") and len(short("a " * 100, 10)) == 10
