from hypothesis import given, strategies as st

from voice.io.safe_csv import neutralise, restore, write_csv

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@given(st.text())
def test_restore_undoes_neutralise_for_any_text(text):
    assert restore(neutralise(text)) == text


@given(st.text())
def test_neutralised_cells_never_start_like_a_formula(text):
    assert not neutralise(text).startswith(TRIGGERS)


@given(st.text().filter(lambda t: not t.startswith(("'", *TRIGGERS))))
def test_ordinary_text_is_left_alone(text):
    assert neutralise(text) == text and restore(text) == text


def test_examples():
    assert neutralise("=SUM(A1:A9)") == "'=SUM(A1:A9)"
    assert neutralise("-5") == "'-5"
    assert neutralise("@user") == "'@user"
    assert neutralise("'=x") == "''=x"  # already starts with an apostrophe: quoted again so restore is exact
    assert neutralise("'cause") == "'cause"
    assert neutralise(12) == 12 and neutralise(None) is None
    assert restore("'cause") == "'cause"


def test_write_csv_neutralises_every_cell(tmp_path):
    path = tmp_path / "out.csv"
    write_csv(path, ["=header"], [["=1+1"], [-3.0], [2.5]])
    assert path.read_text(encoding="utf-8-sig").splitlines() == ["'=header", "'=1+1", "'-3", "2.5"]
