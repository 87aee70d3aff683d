"""voice.ui.text.plain: stored text goes through Markdown without changing the page."""

from voice.ui.text import plain, short


def test_markdown_html_and_streamlit_directives_are_escaped():
    out = plain("**bold** [x](http://e.example) :red[alarm] :material/home: <b>hi</b> # heading")
    for raw in ("**", "[x]", "](", ":red[", ":material/", "<b>"):
        assert raw not in out
    assert "\\#" in out and "\\:red\\[" in out and "\\<b\\>" in out
    assert out.replace("\\", "") == "**bold** [x](http://e.example) :red[alarm] :material/home: <b>hi</b> # heading"


def test_lines_are_kept_and_nul_dropped():
    assert plain("one\n    two\x00") == "one  \ntwo"
    assert plain(None) == ""
    assert short("a " * 100, 10).endswith("…") and len(short("a " * 100, 10)) == 10
