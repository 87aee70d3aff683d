"""The password rules (voice.security.passwords): the offline common-password list, walks, runs, repeats."""

from __future__ import annotations

import pytest

from voice.security.passwords import COMMON_LIST, MIN_LENGTH, common_passwords, password_problem, predictable_share

# Said to be accepted in the issue, or of the same kind: each must be refused.
REFUSED = [
    "password1234",  # a common password plus digits
    "123456789012",  # a run of digits
    "qwertyuiop12",  # a keyboard walk plus digits
    "PASSWORD1234", "Password1234!",  # case and symbols change nothing
    "P@ssw0rd2024!",  # simple letter swaps
    "2024Football!!", "iloveyou2024", "letmein12345", "sunshine sunshine", "monkeymonkey1",
    "1qaz2wsx3edc",  # a walk down the keyboard's columns
    "q1w2e3r4t5y6",  # two walks woven together
    "zxcvbnm,./12", "abcdefghijkl", "lkjhgfdsapoi", "987654321098",
    "aaaaaaaaaaaa", "abcabcabcabc", "ababababab12",
    "short",  # too short
]
ACCEPTED = [
    "orange kettle winter 42", "correct horse battery staple", "a long enough passphrase",
    "my dog barks at 7am daily", "Tr0ub4dor&3xyz", "purple elephant dances",
]


@pytest.mark.parametrize("password", REFUSED)
def test_common_and_predictable_passwords_are_refused(password):
    assert password_problem(password) is not None


@pytest.mark.parametrize("password", ACCEPTED)
def test_passphrases_are_accepted(password):
    assert password_problem(password) is None, password


def test_the_offline_list_is_big_enough_and_named_with_its_source():
    common = common_passwords()
    assert len(common) >= 3000  # OWASP ASVS: at least the 3,000 most common
    assert {"password", "123456", "qwerty", "iloveyou"} <= common
    licence = COMMON_LIST.with_name("common_passwords.LICENSE").read_text(encoding="utf-8")
    assert "SecLists" in licence and "MIT License" in licence


def test_every_list_entry_of_usable_length_is_refused_whatever_the_case():
    long_enough = [p for p in common_passwords() if len(p) >= MIN_LENGTH]
    assert long_enough  # the list has some: they must not slip through
    for password in long_enough:
        assert password_problem(password.upper()) is not None, password


def test_the_username_may_not_be_in_the_password():
    assert password_problem("sam-kettle-winter-road", username="kettle") is not None
    assert password_problem("sam-kettle-winter-road", username="someone") is None


def test_messages_say_what_to_do_instead():
    message = password_problem("password1234")
    assert "most common" in message and "unrelated words" in message
    assert "at least 12 characters" in password_problem("too short")


def test_predictable_share_measures_walks_not_words():
    assert predictable_share("qwertyuiop") == 1.0
    assert predictable_share("orange kettle winter") < 0.3
