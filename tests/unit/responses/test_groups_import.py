from pathlib import Path

import pytest

from voice.io import ImportRejected
from voice.models import Group
from voice.responses.groups import import_groups, list_groups

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"


def test_good_file_adds_groups_with_commas_in_names(session):
    summary = import_groups(session, FIXTURES / "groups_good.csv")
    session.commit()
    assert sorted(summary.added) == ["HILL01", "OAKS02", "YPAG"]
    by_code = {g.code: g for g in list_groups(session)}
    assert by_code["OAKS02"].name == "Oakfield, The Academy"
    assert by_code["OAKS02"].area == "Rutland"
    assert by_code["YPAG"].type == "ypag"


def test_existing_codes_are_updated_and_new_ones_added(session, tmp_path):
    import_groups(session, FIXTURES / "groups_good.csv")
    session.commit()
    changed = tmp_path / "groups.csv"
    changed.write_text("code,name,area,type\nhill01,Demo Hill Academy (renamed),Charnwood,school\n"
                       "NEW03,New School,Melton,school\nYPAG,Young People's Advisory Group,"
                       "Leicestershire and Rutland,ypag\n", encoding="utf-8")
    summary = import_groups(session, changed)
    session.commit()
    assert summary.updated == ["HILL01"]  # matched whatever the case; the stored code is kept
    assert summary.added == ["NEW03"]
    assert summary.unchanged == ["YPAG"]
    assert session.query(Group).count() == 4
    assert session.query(Group).filter_by(code="HILL01").one().name == "Demo Hill Academy (renamed)"


def test_every_bad_row_is_reported_and_nothing_written(session):
    with pytest.raises(ImportRejected) as caught:
        import_groups(session, FIXTURES / "groups_bad.csv")
    found = {(p.line, p.column) for p in caught.value.problems}
    assert found == {(3, "code"), (4, "name"), (5, "code"), (6, "code")}
    duplicate = next(p for p in caught.value.problems if p.line == 5)
    assert "line 2" in duplicate.message  # points at the first use of the code
    session.commit()
    assert session.query(Group).count() == 0  # the good line 2 was not written either


def test_missing_header_column_is_reported(session, tmp_path):
    path = tmp_path / "groups.csv"
    path.write_text("name,area\nHill,Charnwood\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_groups(session, path)
    assert caught.value.problems[0].line == 1
    assert "code" in caught.value.problems[0].message
