"""Language codes and names, for XLSForm columns such as `label::Polski (pl)`, `label::French` or `label::en`.

Our surveys name each language by its ISO 639-1 code (`en`, `pl`, `ur`); XLSForm names it in the column
header, ideally as "Name (code)". A form that gives only a name ("label::French", "label::english",
"label::Kiswahili") is read with the table below (English names, and a few names in the language itself).
"""

from __future__ import annotations

import re


# ISO 639-1: code -> English name.
ISO_639_1 = dict(line.split(" ", 1) for line in """\
aa Afar|ab Abkhazian|af Afrikaans|ak Akan|am Amharic|an Aragonese|ar Arabic|as Assamese|av Avaric|ay Aymara
az Azerbaijani|ba Bashkir|be Belarusian|bg Bulgarian|bi Bislama|bm Bambara|bn Bengali|bo Tibetan|br Breton
bs Bosnian|ca Catalan|ce Chechen|ch Chamorro|co Corsican|cr Cree|cs Czech|cu Church Slavic|cv Chuvash|cy Welsh
da Danish|de German|dv Divehi|dz Dzongkha|ee Ewe|el Greek|en English|eo Esperanto|es Spanish|et Estonian
eu Basque|fa Persian|ff Fulah|fi Finnish|fj Fijian|fo Faroese|fr French|fy Western Frisian|ga Irish
gd Scottish Gaelic|gl Galician|gn Guarani|gu Gujarati|gv Manx|ha Hausa|he Hebrew|hi Hindi|ho Hiri Motu
hr Croatian|ht Haitian|hu Hungarian|hy Armenian|hz Herero|ia Interlingua|id Indonesian|ie Interlingue|ig Igbo
ii Sichuan Yi|ik Inupiaq|io Ido|is Icelandic|it Italian|iu Inuktitut|ja Japanese|jv Javanese|ka Georgian
kg Kongo|ki Kikuyu|kj Kuanyama|kk Kazakh|kl Kalaallisut|km Khmer|kn Kannada|ko Korean|kr Kanuri|ks Kashmiri
ku Kurdish|kv Komi|kw Cornish|ky Kyrgyz|la Latin|lb Luxembourgish|lg Ganda|li Limburgish|ln Lingala|lo Lao
lt Lithuanian|lu Luba-Katanga|lv Latvian|mg Malagasy|mh Marshallese|mi Maori|mk Macedonian|ml Malayalam
mn Mongolian|mr Marathi|ms Malay|mt Maltese|my Burmese|na Nauru|nb Norwegian Bokmal|nd North Ndebele|ne Nepali
ng Ndonga|nl Dutch|nn Norwegian Nynorsk|no Norwegian|nr South Ndebele|nv Navajo|ny Chichewa|oc Occitan
oj Ojibwa|om Oromo|or Oriya|os Ossetian|pa Punjabi|pi Pali|pl Polish|ps Pashto|pt Portuguese|qu Quechua
rm Romansh|rn Kirundi|ro Romanian|ru Russian|rw Kinyarwanda|sa Sanskrit|sc Sardinian|sd Sindhi|se Northern Sami
sg Sango|si Sinhala|sk Slovak|sl Slovenian|sm Samoan|sn Shona|so Somali|sq Albanian|sr Serbian|ss Swati
st Southern Sotho|su Sundanese|sv Swedish|sw Swahili|ta Tamil|te Telugu|tg Tajik|th Thai|ti Tigrinya
tk Turkmen|tl Tagalog|tn Tswana|to Tonga|tr Turkish|ts Tsonga|tt Tatar|tw Twi|ty Tahitian|ug Uyghur
uk Ukrainian|ur Urdu|uz Uzbek|ve Venda|vi Vietnamese|vo Volapuk|wa Walloon|wo Wolof|xh Xhosa|yi Yiddish
yo Yoruba|za Zhuang|zh Chinese|zu Zulu""".replace("\n", "|").split("|"))

# The languages of the partnership's surveys, each named in itself (a young person picks from these).
ENDONYMS = {"en": "English", "pl": "Polski", "ur": "اردو", "pa": "ਪੰਜਾਬੀ", "gu": "ગુજરાતી"}
PARTNERSHIP_LANGUAGES = tuple(ENDONYMS)
# Our column names for them in XLSForm headers: the name in itself when written in Latin letters
# ("Polski"), else the English name ("Urdu"), so a spreadsheet header stays readable to staff.
NATIVE_TITLES = {code: name if name.isascii() else ISO_639_1[code] for code, name in ENDONYMS.items()}

# Names people write that are not the English name above (in the language itself, or a common variant).
_OTHER_NAMES = {
    "panjabi": "pa", "français": "fr",
    "francais": "fr", "español": "es", "espanol": "es", "castellano": "es", "deutsch": "de", "português": "pt",
    "portugues": "pt", "italiano": "it", "العربية": "ar", "arabe": "ar", "kiswahili": "sw", "swahili": "sw",
    "farsi": "fa", "dari": "fa", "soomaali": "so", "tigrigna": "ti", "amharigna": "am", "bangla": "bn",
    "tetun": "tet", "tetum": "tet", "nepalese": "ne", "mandarin": "zh", "cantonese": "zh", "中文": "zh",
    "русский": "ru", "українська": "uk", "română": "ro", "romana": "ro", "türkçe": "tr", "turkce": "tr",
    "kurdi": "ku", "pashto": "ps", "pushto": "ps", "hausa": "ha", "yoruba": "yo", "igbo": "ig",
}
_BY_NAME = ({name.lower(): code for code, name in ISO_639_1.items()}
            | {name.lower(): code for code, name in ENDONYMS.items()} | _OTHER_NAMES)
# "Name (code)" with an IANA tag such as en, fr, pt-BR: the first part is the code we keep.
_CODE_IN_BRACKETS = re.compile(r"\(\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*\)\s*$")


def code_for(name: str) -> str | None:
    """The language code a column's language name stands for, or None if we cannot tell.

    "Polski (pl)" -> pl, "English (EN)" -> en, "pt-BR"-style "(pt-BR)" -> pt, "french" -> fr, "en" -> en.
    """
    text = (name or "").strip()
    found = _CODE_IN_BRACKETS.search(text)
    if found:
        return found.group(1).lower()
    lowered = text.lower()
    if lowered in ISO_639_1:
        return lowered
    return _BY_NAME.get(lowered)


def title_for(code: str) -> str:
    """Our usual name for a language in column headers: the partnership's own names, else English."""
    return NATIVE_TITLES.get(code) or ISO_639_1.get(code) or code


def english_name(code: str) -> str:
    """'Polish' for pl: how staff pages name a language; the code itself when it is not ISO 639-1."""
    return ISO_639_1.get(code) or code


def own_name(code: str) -> str:
    """'Polski' for pl: how a young person sees their language offered (in itself where we know it)."""
    return ENDONYMS.get(code) or title_for(code)


def column_language(code: str) -> str:
    """'Polski (pl)': how our XLSForm export names a language by default."""
    return f"{title_for(code)} ({code})"
