"""XLSForm `relevant` expressions we can hold as show_if, read into our condition layout.

and / or / not / brackets over `${q} = 'v'`, `${q} != 'v'`, `${q} != ''` (answered) and
`selected(${q}, 'v')`; anything else raises Unparseable with the reason, and the importer lists it.
"""

from __future__ import annotations

import re
from typing import Iterable

from voice.errors import Invalid


class Unparseable(Invalid):
    """The rule cannot be held as a show_if; the message says why."""


_TOKEN = re.compile(r"\s*(?:(\$\{[^}]+\})|('[^']*'|\"[^\"]*\")|(-?\d+(?:\.\d+)?)(?![\w.])|(!=|=|\(|\)|,)"
                    r"|([A-Za-z_][A-Za-z0-9_\-:]*)|(\S))")


class RuleParser:
    """and/or/not/brackets over `${q} = 'v'`, `${q} != 'v'` and `selected(${q}, 'v')`; anything else is refused."""

    def __init__(self, text: str):
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                break
            ref, string, number, punct, word, other = m.groups()
            if ref:
                self.tokens.append(("ref", ref[2:-1].strip()))
            elif string is not None:
                self.tokens.append(("str", string[1:-1]))
            elif number is not None:
                self.tokens.append(("str", number))  # `${q} = 1` compares with the choice named 1
            elif punct:
                self.tokens.append(("p", punct))
            elif word:
                self.tokens.append(("w", word))
            elif other:
                raise Unparseable(f"'{other}' is not supported")
            pos = m.end()
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> str:
        tok = self.peek()
        if tok is None or tok[0] != kind or (value is not None and tok[1] != value):
            rest = " ".join(t[1] for t in self.tokens[self.i:]) or "the end"
            raise Unparseable(f"expected {value or kind} at '{rest}'")
        self.i += 1
        return tok[1]

    def parse(self) -> dict:
        node = self.expr()
        left = self.peek()
        if left is not None:
            raise Unparseable(f"unexpected '{left[1]}'")
        return node

    def expr(self) -> dict:
        parts = [self.conj()]
        while self.peek() == ("w", "or"):
            self.i += 1
            parts.append(self.conj())
        return parts[0] if len(parts) == 1 else {"kind": "or", "parts": parts, "paren": False}

    def conj(self) -> dict:
        parts = [self.atom()]
        while self.peek() == ("w", "and"):
            self.i += 1
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else {"kind": "and", "parts": parts, "paren": False}

    def atom(self) -> dict:
        tok = self.peek()
        if tok == ("p", "("):
            self.i += 1
            inner = self.expr()
            self.take("p", ")")
            return {**inner, "paren": True}
        if tok == ("w", "not"):
            self.i += 1
            self.take("p", "(")
            inner = self.expr()
            self.take("p", ")")
            if inner["kind"] == "cmp":
                return {**inner, "op": "!=" if inner["op"] == "=" else "=", "paren": False}
            if inner["kind"] == "sel":
                return {"kind": "cmp", "q": inner["q"], "op": "!=", "v": inner["v"], "paren": False, "negsel": True}
            raise Unparseable("not(…) around several tests is not supported")
        if tok == ("w", "selected"):
            self.i += 1
            self.take("p", "(")
            ref = self.take("ref")
            self.take("p", ",")
            value = self.take("str")
            self.take("p", ")")
            return {"kind": "sel", "q": ref, "v": value, "paren": False}
        if tok and tok[0] == "ref":
            self.i += 1
            op = self.peek()
            if op not in (("p", "="), ("p", "!=")):
                raise Unparseable("only = and != comparisons can be used")
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt[0] != "str":
                raise Unparseable("compare with a quoted choice name, e.g. 'yes'")
            self.i += 1
            return {"kind": "cmp", "q": tok[1], "op": op[1], "v": nxt[1], "paren": False}
        if tok and tok[0] == "w":
            raise Unparseable(f"'{tok[1]}' is not supported")
        raise Unparseable("the rule is incomplete")


def rule_refs(node: dict) -> set[str]:
    if node["kind"] in ("and", "or"):
        return set().union(*(rule_refs(p) for p in node["parts"]))
    return {node["q"]}


def to_condition(node: dict, types: dict[str, str]) -> dict:
    kind = node["kind"]
    if kind == "or":
        parts = node["parts"]
        sel_qs = {p.get("q") for p in parts}
        if all(p["kind"] == "sel" and not p["paren"] for p in parts) and len(sel_qs) == 1 \
                and types.get(next(iter(sel_qs))) != "multi":
            return {"question": parts[0]["q"], "in": [p["v"] for p in parts]}
        return {"any": [to_condition(p, types) for p in parts]}
    if kind == "and":
        return {"all": [to_condition(p, types) for p in node["parts"]]}
    qtype = types.get(node["q"])
    if qtype in ("text", "number") and not (kind == "cmp" and node["op"] == "!=" and node["v"] == ""):
        raise Unparseable(f"'{node['q']}' is a {qtype} question: only \"answered\" (${{{node['q']}}} != '') can be "
                           "tested")
    if kind == "sel":
        if qtype == "multi":
            return {"question": node["q"], "includes": node["v"]}
        return {"question": node["q"], "in": [node["v"]]}
    if node["op"] == "!=" and node["v"] == "":
        return {"question": node["q"], "answered": True}
    if node["op"] == "=" and node["v"] == "":
        raise Unparseable("'not answered' can't be tested")
    if qtype == "multi":
        if node.get("negsel"):
            raise Unparseable(f"'does not include' can't be tested on '{node['q']}'")
        raise Unparseable(f"'{node['q']}' allows several answers: use selected(${{{node['q']}}}, '{node['v']}')")
    return {"question": node["q"], "equals" if node["op"] == "=" else "not_equals": node["v"]}


def tested_options(condition: dict) -> Iterable[tuple[str, str]]:
    """(question, option id) for every option a show_if tests."""
    for key in ("all", "any"):
        for part in condition.get(key, []):
            yield from tested_options(part)
    for key in ("equals", "not_equals", "includes"):
        if key in condition:
            yield condition["question"], condition[key]
    for value in condition.get("in", []):
        yield condition["question"], value
