"""Read a business-plan file (surveys/analysis/priorities_*.yaml) into plain data, checking it thoroughly.

A business manager edits these files by hand, so every problem is reported at once with the file,
line and field, e.g. "priorities_2020-21.yaml, line 31, field priorities[1].actions[0].what: must not be
empty". The file is read by the shared definition reader (voice.definitions): nodes with line numbers,
never `safe_load`, with its limits on size, aliases and nesting checked first.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import yaml

from voice.definitions import DefinitionError, Problem, compose_yaml, content_hash, read_definition_text
from voice.models.priorities import POLARITIES

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PERIOD_RE = re.compile(r"^\d{4}/\d{2}$")  # "2020/21"
ACTION_COLUMNS = ("what", "how", "who", "when", "impact", "progress")
PERIOD_KEYS = ("id", "title", "starts", "ends", "current")
PRIORITY_KEYS = ("key", "title", "owner", "outcomes", "actions", "measures")
MEASURE_KEYS = ("label", "survey", "question", "options", "polarity")


@dataclass(frozen=True)
class ActionSpec:
    what: str
    how: str = ""
    who: str = ""
    when: str = ""
    impact: str = ""
    progress: str = ""


@dataclass(frozen=True)
class MeasureSpec:
    label: str
    survey_id: str
    question_id: str
    option_ids: tuple[str, ...]
    polarity: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class PrioritySpec:
    key: str
    title: str
    owner: str
    outcomes: tuple[str, ...]
    actions: tuple[ActionSpec, ...] = ()
    measures: tuple[MeasureSpec, ...] = ()


@dataclass(frozen=True)
class PlanSpec:
    period_id: str
    title: str
    starts: date
    ends: date
    is_current: bool
    priorities: tuple[PrioritySpec, ...]
    source: str = field(default="", compare=False)

    @property
    def content_hash(self) -> str:
        """Same plan, same hash: comments and layout in the file do not count."""
        data = asdict(self)
        data.pop("source", None)
        for p in data["priorities"]:
            for m in p["measures"]:
                m.pop("line", None)
        return content_hash(data)


class PlanFileError(DefinitionError):
    """Every problem found in a plan file, each a Problem naming file, line, field and code."""


class _Fields(dict):
    """A mapping's fields, remembering the mapping's node so a missing field can still name a line."""

    node: yaml.Node | None = None


class _Reader:
    """Walks the composed nodes, collecting problems instead of stopping at the first."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | None, where: str | None, message: str, code: str = "invalid") -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(Problem(self.source, line, where, code, message))

    def mapping(self, node: yaml.Node, where: str | None, allowed: tuple[str, ...]) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, where, "must be a set of named fields (name: value)")
            return None
        out = _Fields()
        out.node = node
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            path = f"{where}.{name}" if where else str(name)
            if name not in allowed:
                self.problem(key, path, f"is not a field here. Fields: {', '.join(allowed)}", "unknown_field")
            elif name in out:
                self.problem(key, path, "appears twice", "duplicate_key")
            else:
                out[name] = value
        return out

    def text(self, fields: dict[str, yaml.Node], name: str, where: str, *, required: bool = True) -> str:
        node = fields.get(name)
        path = f"{where}.{name}" if where else name
        if node is None:
            if required:
                self.problem(getattr(fields, "node", None), path, "is missing", "missing")
            return ""
        return self.scalar(node, path, required=required)

    def scalar(self, node: yaml.Node, path: str, *, required: bool = True) -> str:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, path, "must be a single piece of text")
            return ""
        value = "" if node.tag.endswith(":null") else " ".join(str(node.value).split())
        if required and not value:
            self.problem(node, path, "must not be empty", "missing")
        if "\x00" in value:  # PostgreSQL refuses NUL in text
            self.problem(node, path, "contains a NUL character")
            value = value.replace("\x00", "")
        return value

    def sequence(self, fields: dict[str, yaml.Node], name: str, where: str, *, required: bool) -> list[yaml.Node]:
        node = fields.get(name)
        path = f"{where}.{name}" if where else name
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
            if required:
                self.problem(node or getattr(fields, "node", None), path, "is missing: give a list")
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, path, "must be a list (each item on a line starting with '- ')")
            return []
        return list(node.value)

    def day(self, fields: dict[str, yaml.Node], name: str, where: str) -> date | None:
        raw = self.text(fields, name, where)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.problem(fields[name], f"{where}.{name}", f"'{raw}' is not a date: write it as YYYY-MM-DD")
            return None


def parse_plan(text: str, source: str = "<plan>") -> PlanSpec:
    """The plan in `text`, or PlanFileError listing every problem."""
    reader = _Reader(source)
    try:
        root = compose_yaml(text, source)
    except DefinitionError as exc:
        raise PlanFileError(exc.problems) from None
    top = reader.mapping(root, None, ("period", "priorities"))
    if top is None:
        raise PlanFileError(reader.problems)

    period_id, title, starts, ends, current = "", "", None, None, False
    if "period" not in top:
        reader.problem(root, "period", "is missing: say which plan year this is (id, title, starts, ends)")
    else:
        fields = reader.mapping(top["period"], "period", PERIOD_KEYS) or {}
        period_id = reader.text(fields, "id", "period")
        if period_id and not PERIOD_RE.match(period_id):
            reader.problem(fields["id"], "period.id", f"'{period_id}' should look like 2020/21 (quote it in the file)")
        title = reader.text(fields, "title", "period")
        starts, ends = reader.day(fields, "starts", "period"), reader.day(fields, "ends", "period")
        if starts and ends and ends <= starts:
            reader.problem(fields["ends"], "period.ends", "must be after period.starts")
        current_raw = reader.text(fields, "current", "period", required=False).lower()
        if current_raw not in ("", "true", "false", "yes", "no"):
            reader.problem(fields["current"], "period.current", "must be true or false")
        current = current_raw in ("true", "yes")

    priorities: list[PrioritySpec] = []
    seen: dict[str, int] = {}
    for i, pnode in enumerate(reader.sequence(top, "priorities", "", required=True)):
        where = f"priorities[{i}]"
        found = reader.mapping(pnode, where, PRIORITY_KEYS)
        if found is None:
            continue
        fields = found
        key = reader.text(fields, "key", where)
        if key and not KEY_RE.match(key):
            reader.problem(fields["key"], f"{where}.key",
                           f"'{key}' must be lower case letters, digits and _ (e.g. voice_of_child)")
        elif key in seen:
            reader.problem(fields["key"], f"{where}.key", f"'{key}' is already used by priorities[{seen[key]}]")
        seen.setdefault(key, i)
        outcomes = []
        for j, onode in enumerate(reader.sequence(fields, "outcomes", where, required=True)):
            value = reader.scalar(onode, f"{where}.outcomes[{j}]")
            outcomes.append(value)
        if "outcomes" in fields and not outcomes:
            reader.problem(fields["outcomes"], f"{where}.outcomes", "needs at least one outcome statement")
        actions = []
        for j, anode in enumerate(reader.sequence(fields, "actions", where, required=False)):
            awhere = f"{where}.actions[{j}]"
            afields = reader.mapping(anode, awhere, ACTION_COLUMNS)
            if afields is not None:
                actions.append(ActionSpec(reader.text(afields, "what", awhere),
                                          *(reader.text(afields, c, awhere, required=False)
                                            for c in ACTION_COLUMNS[1:])))
        measures = []
        for j, mnode in enumerate(reader.sequence(fields, "measures", where, required=False)):
            measures.append(_measure(reader, mnode, f"{where}.measures[{j}]"))
        priorities.append(PrioritySpec(key=key, title=reader.text(fields, "title", where),
                                       owner=reader.text(fields, "owner", where, required=False),
                                       outcomes=tuple(outcomes), actions=tuple(actions),
                                       measures=tuple(m for m in measures if m)))
    if reader.problems or starts is None or ends is None:  # (a missing date is one of the problems)
        raise PlanFileError(reader.problems)
    return PlanSpec(period_id=period_id, title=title, starts=starts, ends=ends, is_current=current,
                    priorities=tuple(priorities), source=source)


def _measure(reader: _Reader, node: yaml.Node, where: str) -> MeasureSpec | None:
    fields = reader.mapping(node, where, MEASURE_KEYS)
    if fields is None:
        return None
    polarity = reader.text(fields, "polarity", where)
    if polarity and polarity not in POLARITIES:
        reader.problem(fields["polarity"], f"{where}.polarity", f"must be one of {', '.join(POLARITIES)}")
    options = [reader.scalar(o, f"{where}.options[{k}]")
               for k, o in enumerate(reader.sequence(fields, "options", where, required=True))]
    return MeasureSpec(label=reader.text(fields, "label", where), survey_id=reader.text(fields, "survey", where),
                       question_id=reader.text(fields, "question", where), option_ids=tuple(options),
                       polarity=polarity, line=node.start_mark.line + 1)


def load_plan_file(path: str | Path) -> PlanSpec:
    try:
        text = read_definition_text(path)
    except DefinitionError as exc:
        raise PlanFileError(exc.problems) from None
    return parse_plan(text, str(path))
