"""Can the analysis read this answer? An offline check of script and common words, no model.

The themes, sentiment and concern rules read English (with text speak). An answer in another
script (Urdu, Arabic, Gurmukhi, Gujarati, Bengali, Chinese, Cyrillic…) or in another language
written in Latin letters (Polish, Romanian, Somali, Lithuanian…) is not guessed at: the pipeline
marks it "not analysed" and sends it to the safeguarding lead's queue as `not_screened`, so a
person reads it. Short answers, emoji, numbers and markup are left to the usual analysis.

How: letters are counted by script; for Latin letters, the share of words that are common English
words (and the presence of letters or words typical of other languages) decides.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

__all__ = ["readable", "NOT_ANALYSED"]

NOT_ANALYSED = "not analysed"

# Common English words, including text speak after normalisation. An English answer of a few words
# nearly always has one or more of them.
_ENGLISH = frozenset("""
a about after again all also always am an and any anymore anyone anything are aren't around as at away back bad
be because been before being best better big bit both but by can can't cannot come could couldn't day days did
didn't do does doesn't doing don't down each even ever every everyone everything feel feels felt few find first
for friend friends from get gets getting go goes going gone good got great had has hasn't have haven't having he
he's help her here him his home how i i'd i'll i'm i've if in into is isn't it it's its just keep kind know last
left life like little lot lots love made make makes man many may me mean more most much mum must my myself need
never new next nice no nobody not nothing now of off ok okay old on once one only or other our out over people
please put quite really right said same say says school see she should so some someone something sometimes still
stop such sure take talk teacher teachers tell than thank thanks that that's the their them then there there's
these they they're thing things think this those though through time to today told too tried try up us use used
very want wanted was wasn't way we we're well went were weren't what when where which while who why will with
won't work would wouldn't yeah year years yes yet you you're your dad brother sister mate mates online phone
safe feel scared sad happy hate bullied bullying lessons lesson home family friends teachers help more idk lol
omg tbh ngl bc cos cause gonna wanna kinda dunno yeah nah innit bruv fam sick mad proper literally honestly
""".split())

# Words and letters that mark other languages young people here write in (Polish, Romanian, Somali,
# Lithuanian, Portuguese, Spanish, French, Turkish, Latvian…). A word here is rarely English.
_OTHER_WORDS = frozenset("""
nie jest się sie że ze mnie mój moje moja ktoś ktos mam chce jestem bardzo tak ale czy jak tylko wszystkim szkole
szkoła dlaczego mama tata boję boje
și si nu în mă ma este sunt acasă acasa simt siguranță siguranta bea bate uneori dorm prietenă prietena mama tata foarte
waa iyo ku ka aan ayaa waxaan kuma ahay hooyo aabe dugsiga aad
yra ir nėra aš man labai mano
não nao sou estou minha meu muito porque escola tenho
estoy tengo muy porque mi mis escuela miedo casa
je suis pas mais très tres avec mon ma maison école ecole peur
ben değil okul korkuyorum evde annem babam
es esmu nav mana māja
""".split())
_OTHER_LETTERS = set("ąćęłńśźżăâîșşțţėįųūčšžõãçñğıœ")


# Letters of the Latin script (Basic Latin to Latin Extended-B, Latin Extended Additional), and letters of
# any other script: two regex scans in C, instead of a Python loop over every character of a long answer.
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
_OTHER = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F\u1E00-\u1EFF\u2C60-\u2C7F\uA720-\uA7FF\uFF21-\uFF5A]")


def readable(text: str, tokens: list[str]) -> bool:
    """False when the answer is in a script or language the analysis does not read."""
    other = len(_OTHER.findall(text))
    if other < 3:
        latin = 1  # no other script to speak of: go on to the words
    else:
        latin = len(_LATIN.findall(text))
    if other >= 3 and other >= 0.3 * (latin + other):
        return False
    words = [t for t in tokens if t.isalpha()]
    if len(words) < 3:
        return True  # "ok", "gracias", a name: too little to call, and nothing is lost by reading it as usual
    english = sum(w in _ENGLISH for w in words)
    if english >= 0.3 * len(words):
        return True
    foreign = sum(w in _OTHER_WORDS or any(c in _OTHER_LETTERS for c in w) for w in words)
    if foreign >= 2 or (foreign >= 1 and english <= 0.15 * len(words)):
        return False
    # Few common words and no marks of another language: ask the larger English word list.
    known = _dictionary()
    return sum(w in known or w in _ENGLISH for w in words) >= 0.5 * len(words)


@functools.lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    """About 30,000 English words: TextBlob's spelling list (Norvig's big.txt counts), shipped with TextBlob."""
    import textblob

    path = Path(textblob.__file__).parent / "en" / "en-spelling.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(line.split()[0] for line in lines if line and not line.startswith(";"))
