import pytest

from voice.evidence.redaction import RedactionChange, redact


def _kinds(result):
    return [c.kind for c in result.changes]


@pytest.mark.parametrize("text, expected, kind", [
    ("my teacher Mrs Smith shouted at me", "my teacher [name] shouted at me", "name"),
    ("Chloe keeps messaging me", "[name] keeps messaging me", "name"),
    ("ring me on 07700 900123 pls", "ring me on [phone number] pls", "phone"),
    ("our number is 0116 496 0000", "our number is [phone number]", "phone"),
    ("text +44 7700 900123", "text [phone number]", "phone"),
    ("email kid99@example.co.uk if you want", "email [email] if you want", "email"),
    ("look at www.example.com/page.", "look at [link].", "link"),
    ("it's on https://t.co/abc123", "it's on [link]", "link"),
    ("add me @cool_kid99", "add me [username]", "handle"),
    ("my snap is jaydenxx", "my snap is [username]", "handle"),
    ("my insta: kayla.b_07", "my insta: [username]", "handle"),
    ("I go to Beaumont Leys School", "I go to [school]", "school"),
    ("year 9 at Hinckley Academy", "year 9 at [school]", "school"),
    ("we moved from St Mary Primary", "we moved from [school]", "school"),
    ("I live at 12 Oak Tree Road now", "I live at [address] now", "address"),
    ("postcode LE1 6ZG", "postcode [address]", "address"),
])
def test_each_kind_is_replaced(text, expected, kind):
    result = redact(text)
    assert result.text == expected
    assert _kinds(result) == [kind]


def test_changes_record_original_and_offsets_in_the_original_text():
    text = "Jack said call 07700 900123"
    result = redact(text)
    assert result.changes == (
        RedactionChange("name", "Jack", "[name]", 0, 4),
        RedactionChange("phone", "07700 900123", "[phone number]", 15, 27),
    )
    for change in result.changes:
        assert text[change.start:change.end] == change.original


def test_given_names_and_places_are_removed_case_insensitively():
    result = redact("gaz from oakfield youth club said hi", names=["Gaz"], places=["Oakfield"])
    assert result.text == "[name] from [school] youth club said hi"


def test_first_name_and_surname_become_one_name():
    assert redact("Jack Smith and Chloe bully me").text == "[name] and [name] bully me"


def test_ordinary_words_ages_and_years_are_kept():
    text = "I am 15 and in year 10, school is ok and I feel safe"
    assert redact(text) == redact(text) and redact(text).text == text
    assert redact(text).changes == ()


def test_email_is_not_also_a_handle_or_link():
    result = redact("write to jo@school.org.uk")
    assert result.text == "write to [email]"
