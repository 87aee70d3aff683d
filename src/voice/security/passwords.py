"""The password rules for staff accounts, in one place (OWASP ASVS 5.0 V6.2, NIST SP 800-63B 5.1.1.2).

A password is refused, with a message that says what to do instead, when it is:
- shorter than 12 characters (longer than 256: refused too, so hashing stays quick);
- on the offline list of the 10,000 most common passwords (`common_passwords.txt`, from SecLists, see
  `common_passwords.LICENSE`), compared without regard to case, also after taking digits and symbols off
  either end ("password1234", "2024Monkey!") and after undoing simple letter swaps ("p@ssw0rd");
- a keyboard walk, a run or a repeat: mostly made of neighbouring keys ("qwertyuiop12", "1qaz2wsx3edc"),
  counting up or down ("123456789012", "abcdefghijkl"), one character again and again, or the same chunk
  repeated ("abcabcabcabc");
- made of very few different characters, or containing the username.

No composition rules (a capital, a digit…): long passphrases of unrelated words are the advice we give.
Nothing here touches the network: the list ships with the code.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON_LIST = Path(__file__).with_name("common_passwords.txt")
# Neighbouring keys on a UK/US keyboard: rows, and the diagonal columns people walk ("1qaz", "2wsx").
KEYBOARD_LINES = ("`1234567890-=", "qwertyuiop[]", "asdfghjkl;'#", "\\zxcvbnm,./",
                  "1qaz", "2wsx", "3edc", "4rfv", "5tgb", "6yhn", "7ujm", "8ik,", "9ol.", "0p;/",
                  "qaz", "wsx", "edc", "rfv", "tgb", "yhn", "ujm")
LEET = str.maketrans({"@": "a", "4": "a", "8": "b", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s",
                      "7": "t", "+": "t", "2": "z"})
_ENDS = re.compile(r"^[\d\W_]+|[\d\W_]+$")
PREDICTABLE_SHARE = 0.75  # of the steps from one character to the next

ADVICE = "A few unrelated words together are easy to remember and hard to guess, e.g. 'orange kettle winter road'."


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The offline list, lower-cased (10,000 entries)."""
    with COMMON_LIST.open(encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def _neighbours() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for line in KEYBOARD_LINES:
        for a, b in zip(line, line[1:]):
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
    return out


_NEIGHBOURS = _neighbours()


def _predictable_step(a: str, b: str) -> bool:
    """The same key again, the next or previous letter or digit, or a neighbouring key."""
    if a == b or b in _NEIGHBOURS.get(a, ()):
        return True
    if a.isalnum() and b.isalnum() and a.isdigit() == b.isdigit():
        return abs(ord(a) - ord(b)) == 1
    return False


def predictable_share(password: str) -> float:
    """Share of steps between characters that a guesser would try first (0..1): from each character to
    the next, or, for two walks woven together ("q1w2e3r4"), to the one after next; the larger share."""
    text = password.lower()
    shares = []
    for gap in (1, 2):
        steps = list(zip(text, text[gap:]))
        if steps:
            shares.append(sum(_predictable_step(a, b) for a, b in steps) / len(steps))
    return max(shares, default=1.0)


def _repeated_chunk(text: str) -> str | None:
    """'abcabcabc' -> 'abc'; None when the text is not one chunk repeated."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return None


def _common_core(password: str) -> str | None:
    """The common password the text is built on, if any: as typed, without digits and symbols at the
    ends, with simple letter swaps undone, or repeated ('monkeymonkey1')."""
    common = common_passwords()
    lowered = password.lower().strip()
    candidates = [lowered, lowered.replace(" ", "")]
    core = _ENDS.sub("", lowered)
    candidates += [core, lowered.translate(LEET), core.translate(LEET), _ENDS.sub("", lowered.translate(LEET))]
    for text in list(candidates):
        chunk = _repeated_chunk(text) if text else None
        if chunk and len(chunk) >= 3:
            candidates.append(chunk)
    for text in candidates:
        # Four letters or more: "love" + 8 digits is still "love"; a lone "ab" inside digits is not a word.
        if len(text) >= 4 and text in common:
            return text
    return None


def password_problem(password: str, username: str = "") -> str | None:
    """Why `password` would be refused, in words for the person choosing it; None when it is fine."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return f"Please choose a password of at least {MIN_LENGTH} characters. {ADVICE}"
    if len(password) > MAX_LENGTH:
        return f"Please choose a password of at most {MAX_LENGTH} characters."
    if _common_core(password):
        return ("That password is one of the most common passwords (or one with a few digits or symbols added), "
                f"so it is among the first anyone would try. {ADVICE}")
    name = (username or "").strip().lower()
    if len(name) >= 3 and name in password.lower():
        return f"Please don't use your username in your password. {ADVICE}"
    if len(set(password.lower())) < 5 or _repeated_chunk(password.lower()):
        return f"That password repeats the same few characters. {ADVICE}"
    if predictable_share(password) >= PREDICTABLE_SHARE:
        return ("That password follows the keyboard or counts up or down (like 'qwertyuiop' or '123456'), "
                f"which is among the first things anyone would try. {ADVICE}")
    return None


__all__ = ["MAX_LENGTH", "MIN_LENGTH", "common_passwords", "password_problem", "predictable_share"]
