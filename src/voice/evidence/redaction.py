"""Remove identifying details from a young person's words before they are quoted.

Quotes reach boards and reports attributed to a group ("(YPAG)"), never a
person, so names, contact details, usernames, schools and addresses are
replaced with a bracketed label. Redaction errs on the side of removing:
a capitalised common first name is removed even when it might be a word
("Will", "May"), because a wrongly kept name cannot be taken back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

__all__ = ["RedactionChange", "Redaction", "redact", "REPLACEMENTS", "COMMON_FIRST_NAMES"]

REPLACEMENTS = {
    "name": "[name]", "phone": "[phone number]", "email": "[email]", "link": "[link]",
    "handle": "[username]", "school": "[school]", "address": "[address]",
}


@dataclass(frozen=True)
class RedactionChange:
    kind: str  # a key of REPLACEMENTS
    original: str
    replacement: str
    start: int  # offsets in the ORIGINAL text
    end: int


@dataclass(frozen=True)
class Redaction:
    text: str
    changes: tuple[RedactionChange, ...]


# Common first names in England and Wales (ONS baby-name lists across the
# birth years of today's 10-18 year olds and their parents), lower case.
COMMON_FIRST_NAMES = frozenset("""
oliver george harry jack jacob noah charlie muhammad mohammed mohammad thomas oscar william james henry leo alfie
joshua freddie archie ethan isaac alexander joseph edward samuel max logan lucas daniel theo arthur mason
adam dylan riley finley tyler lewis luke ryan callum kyle jordan connor liam aaron ben benjamin jake josh
sam tom matthew michael david john paul mark peter andrew chris christopher steven stephen richard robert
kieran reece rhys owen jamie nathan toby louis harvey elliot zac zach zachary kai ali omar ibrahim yusuf hassan
amelia olivia isla ava emily sophia sophie grace mia poppy ella lily evie isabella isabelle jessica chloe
ruby daisy freya alice florence charlotte phoebe millie amber holly megan ellie erin lucy hannah lauren
katie emma abigail abbie bethany caitlin courtney paige shannon jade leah molly niamh rebecca sarah laura
rachel amy amira aisha fatima zara maryam layla eva esme matilda imogen scarlett harriet willow ivy rosie
jasmine keira kayla tia nicole natalie danielle georgia summer skye macy maisie lacey lexi chantelle kelly
claire lisa karen michelle helen susan joanne julie nicola kerry tracey donna dawn gemma stacey leanne
priya anjali harpreet gurpreet simran jaspreet navdeep sanjay raj ravi arjun aryan krish dev
""".split())

_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir)\.?"
_CAP_WORD = r"[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_LINK = re.compile(r"\b(?:https?://|www\.)[^\s<>]+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|co\.uk|org|org\.uk|net|uk|io|ly|me|tv)(?:/[^\s<>]*)?",
                   re.IGNORECASE)
# UK phone numbers: 07xxx xxxxxx, 01xxx / 02x landlines, +44 forms; spaces, dots or dashes allowed.
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|0)\d(?:[\s.-]?\d){8,9}(?!\d)")
_HANDLE_AT = re.compile(r"(?<![\w.@])@[A-Za-z0-9_.]{2,30}\b")
_HANDLE_SAID = re.compile(
    r"\b(?:my\s+|add\s+me\s+on\s+|follow\s+me\s+on\s+)?(?:snap(?:chat)?|insta(?:gram)?|tiktok|tik\s?tok|discord|"
    r"twitter|x|xbox|psn|gamertag|username|user\s?name|roblox|kik)\s*(?:name\s*)?(?:is|:|=|-|'s)\s*@?([A-Za-z0-9_.]{3,30})",
    re.IGNORECASE)
_SCHOOL = re.compile(
    r"\b(?:(?:St\.?|Saint)\s+)?(?:" + _CAP_WORD + r"\s+){1,4}(?:School|Academy|College|Primary|High|Grammar)"
    r"(?:\s+(?:School|Academy|College))?\b")
_STREET_WORDS = (r"(?:Road|Rd|Street|St|Lane|Ln|Close|Avenue|Ave|Drive|Dr|Way|Crescent|Court|Place|Grove|Gardens|"
                 r"Terrace|Walk|Hill|Rise|View|Park|Mews|Square)")
_ADDRESS = re.compile(r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Za-z][a-z]+\s+){1,3}" + _STREET_WORDS + r"\b\.?", re.IGNORECASE)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_TITLED_NAME = re.compile(r"\b" + _TITLE + r"\s+" + _CAP_WORD + r"(?:\s+" + _CAP_WORD + r")?")
_CAP_TOKEN = re.compile(r"\b" + _CAP_WORD + r"\b")
# Capitalised surname after a first name: "Jack Smith" -> one [name].
_SURNAME_AFTER = re.compile(r"\s+(" + _CAP_WORD + r")\b")
_NOT_SURNAMES = {"And", "But", "The", "At", "In", "On", "Is", "Was", "Said", "Told", "Says", "From", "To", "I"}


def _literal_regex(terms: Iterable[str]) -> re.Pattern | None:
    cleaned = sorted({" ".join(t.split()) for t in terms if t and t.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in cleaned) + r")(?!\w)",
                      re.IGNORECASE)


def redact(text: str, names: Iterable[str] = (), places: Iterable[str] = ()) -> Redaction:
    """Replace names, phone numbers, emails, links, usernames, schools and addresses.

    `names` and `places` are extra names (e.g. the staff and schools of the
    area) matched whole-word and case-insensitively.
    """
    if not text:
        return Redaction(text or "", ())
    spans: list[tuple[int, int, str]] = []

    def add(kind: str, start: int, end: int) -> None:
        if start < end:
            spans.append((start, end, kind))

    # Most specific first; overlaps are resolved below in favour of earlier kinds.
    for m in _EMAIL.finditer(text):
        add("email", m.start(), m.end())
    for m in _LINK.finditer(text):
        add("link", m.start(), m.end())
    for m in _HANDLE_AT.finditer(text):
        add("handle", m.start(), m.end())
    for m in _HANDLE_SAID.finditer(text):
        add("handle", m.start(1), m.end(1))
    for m in _PHONE.finditer(text):
        add("phone", m.start(), m.end())
    for m in _POSTCODE.finditer(text):
        if any(c.isdigit() for c in m.group()) and _looks_like_postcode(m.group()):
            add("address", m.start(), m.end())
    for m in _ADDRESS.finditer(text):
        add("address", m.start(), m.end())
    extra_places = _literal_regex(places)
    if extra_places:
        for m in extra_places.finditer(text):
            add("school", m.start(), m.end())
    for m in _SCHOOL.finditer(text):
        add("school", m.start(), m.end())
    extra_names = _literal_regex(names)
    if extra_names:
        for m in extra_names.finditer(text):
            add("name", m.start(), m.end())
    for m in _TITLED_NAME.finditer(text):
        add("name", m.start(), m.end())
    for m in _CAP_TOKEN.finditer(text):
        if m.group().split("-")[0].lower() in COMMON_FIRST_NAMES:
            end = m.end()
            after = _SURNAME_AFTER.match(text, end)
            if after and after.group(1) not in _NOT_SURNAMES and after.group(1).lower() not in COMMON_FIRST_NAMES:
                end = after.end(1)
            add("name", m.start(), end)

    # Keep non-overlapping spans: earliest start, then the kind added first (more specific).
    order = {kind: i for i, kind in enumerate(["email", "link", "handle", "phone", "address", "school", "name"])}
    spans.sort(key=lambda s: (s[0], order[s[2]], -(s[1] - s[0])))
    chosen: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if chosen and start < chosen[-1][1]:
            continue
        chosen.append((start, end, kind))

    out: list[str] = []
    changes: list[RedactionChange] = []
    pos = 0
    for start, end, kind in chosen:
        original = text[start:end]
        # A trailing full stop belongs to the sentence, not the item.
        if original.endswith(".") and kind in ("link", "address"):
            end -= 1
            original = original[:-1]
        out.append(text[pos:start])
        out.append(REPLACEMENTS[kind])
        changes.append(RedactionChange(kind, original, REPLACEMENTS[kind], start, end))
        pos = end
    out.append(text[pos:])
    return Redaction("".join(out), tuple(changes))


def _looks_like_postcode(candidate: str) -> bool:
    # "LE1 6ZG" yes; "Y10 2SG" style school codes are rare; ages like "15 yrs" never match the pattern.
    compact = candidate.replace(" ", "")
    return 5 <= len(compact) <= 7 and compact[-3].isdigit()
