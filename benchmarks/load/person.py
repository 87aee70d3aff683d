"""One simulated young person: opens the link, starts, answers every shown question, presses Next to the end.

They act like a phone browser: every answer change reruns the script (and skip logic may then show
more questions, so the page is read again), a pause for reading before each Next, and after a lost
connection they come back as a reopened tab does: the school's link, then their resume code typed into
"Carry on with your code" (codes are never in the address).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlencode

from websockets.exceptions import WebSocketException

from benchmarks.load.protocol import ProtocolError, StreamlitSession

SAVE_FAILED_HINT = "couldn't save your answers"
THANK_YOU = "Thank you!"
CODE_ON_SCREEN = re.compile(r"code to carry on later: \*\*([A-Z0-9-]+)\*\*")
MAX_PRESSES = 40  # 7 steps; the rest is room for retries after faults
MAX_RECONNECTS = 30
TEXTS = ["Strangers adding me on games", "", "More lessons about scams and fake accounts", "Nothing really"]


@dataclass
class PersonResult:
    index: int
    resume_code: str | None = None
    receipt: str | None = None
    confirmed: dict[str, Any] = field(default_factory=dict)  # answers of every step whose Next completed
    confirmed_steps: int = 0
    next_times: list[float] = field(default_factory=list)  # seconds from pressing Next to the script finishing
    answer_times: list[float] = field(default_factory=list)  # reruns after changing an answer
    reconnects: int = 0
    save_failed: int = 0
    error: str | None = None
    urls_used: list[str] = field(default_factory=list)


class Gate:
    """A class told "go": each press waits until everyone still taking part is ready, then all press."""

    def __init__(self, people: int, timeout: float = 120.0):
        self.active, self.timeout = people, timeout
        self._ready: dict[int, int] = {}
        self._events: dict[int, asyncio.Event] = {}

    def _event(self, n: int) -> asyncio.Event:
        return self._events.setdefault(n, asyncio.Event())

    def _check(self) -> None:
        for n, count in self._ready.items():
            if count >= self.active:
                self._event(n).set()

    async def wait(self, press: int) -> None:
        self._ready[press] = self._ready.get(press, 0) + 1
        self._check()
        try:
            await asyncio.wait_for(self._event(press).wait(), self.timeout)
        except asyncio.TimeoutError:
            pass  # someone is stuck; the rest go anyway rather than wait for ever

    def leave(self) -> None:
        self.active -= 1
        self._check()


class YoungPerson:
    def __init__(self, index: int, survey, urls: list[str], rng: random.Random, *,
                 step_pause: tuple[float, float], gate: Gate | None = None, go_spread: float = 1.0,
                 group: str | None = None, switch_after: int | None = None,
                 on_confirmed: Callable[["PersonResult"], None] | None = None, reconnect_wait: float = 90.0,
                 hold_last: bool = False):
        self.survey, self.urls, self.rng = survey, urls, rng
        self.step_pause, self.gate, self.go_spread, self.group = step_pause, gate, go_spread, group
        self.switch_after = switch_after  # move to the next URL after this many confirmed steps
        self.on_confirmed = on_confirmed
        self.reconnect_wait = reconnect_wait
        self.hold_last = hold_last  # stop on the last step with everything answered, session left open
        self.held: StreamlitSession | None = None
        self.result = PersonResult(index)
        self._url_index = index % len(urls)
        self._keys = self._widget_keys_by_question()
        self._chosen: dict[str, Any] = {}

    # --- the journey -----------------------------------------------------------------------------

    async def run(self) -> PersonResult:
        session: StreamlitSession | None = None
        presses = 0
        try:
            while self.result.receipt is None:
                if presses >= MAX_PRESSES:
                    raise ProtocolError(f"not finished after {MAX_PRESSES} presses")
                try:
                    if session is None:
                        session = await self._connect()
                    if self.result.resume_code is None:
                        await session.click("yp_start")
                        self._check_page(session)
                        found = CODE_ON_SCREEN.search(session.page.text())
                        if not found:
                            raise ProtocolError("no resume code on the screen after Start")
                        self.result.resume_code = found.group(1)
                        continue
                    if THANK_YOU in session.page.text():
                        self.result.receipt = self._receipt(session)
                        break
                    if self.switch_after is not None and self.result.confirmed_steps >= self.switch_after:
                        self.switch_after = None
                        self._url_index = (self._url_index + 1) % len(self.urls)
                        await session.close()
                        session = None
                        continue
                    await self._answer_step(session)
                    if self.hold_last and session.widget("yp_next").label == "Send my answers":
                        self.held, session = session, None
                        break
                    await self._pause_before_next(presses)
                    presses += 1
                    await self._press_next(session)
                except (OSError, WebSocketException, asyncio.TimeoutError) as exc:
                    # The app went away (killed, restarted): come back like a reopened tab.
                    if session is not None:
                        await _quiet_close(session)
                    session = None
                    self.result.reconnects += 1
                    if self.result.reconnects > MAX_RECONNECTS:
                        raise ProtocolError(f"gave up after {MAX_RECONNECTS} reconnects: {exc!r}") from exc
                    await asyncio.sleep(0.5 + self.rng.random())
        except Exception as exc:  # recorded and reported: one person failing must not hide the others
            self.result.error = f"{exc.__class__.__name__}: {exc}"
        finally:
            if session is not None:
                await _quiet_close(session)
            if self.gate:
                self.gate.leave()
        return self.result

    async def _connect(self) -> StreamlitSession:
        url = self.urls[self._url_index]
        query = urlencode({"survey": self.survey.id, **({"group": self.group} if self.group else {})})
        deadline = time.monotonic() + self.reconnect_wait
        while True:  # bounded by reconnect_wait: the app may be restarting
            try:
                session = StreamlitSession(url, query)
                await session.open()
                break
            except (OSError, WebSocketException, asyncio.TimeoutError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)
        self.result.urls_used.append(url)
        self._check_page(session)
        if self.result.resume_code:  # back with the code, as a young person types it
            session.set_text("yp_resume_typed", self.result.resume_code)
            await session.click("yp_resume_go")
            self._check_page(session)
            if session.page.errors:
                raise ProtocolError(f"the code did not bring the answers back: {session.page.errors}")
        return session

    async def _answer_step(self, session: StreamlitSession) -> None:
        """Answer every shown question; each change reruns the script, which may show more questions."""
        for _ in range(30):
            todo = self._next_unanswered(session)
            if todo is None:
                return
            await asyncio.sleep(self.rng.uniform(*self.step_pause) / 10)  # reading and tapping
            started = time.perf_counter()
            await session.rerun()
            self.result.answer_times.append(time.perf_counter() - started)
            self._check_page(session)
        raise ProtocolError("questions kept appearing on one step")

    def _next_unanswered(self, session: StreamlitSession) -> str | None:
        """Set the widgets of the first shown question whose screen value differs from our choice."""
        prefix = f"a_{self.result.resume_code}_"
        for qid, keys in self._keys.items():
            if not any(prefix + k in session.page.widgets for k in keys):
                continue
            question = self.survey.question(qid)
            value = self._chosen.setdefault(qid, self._choose(question))
            if question.type == "multi":
                changed = False
                for option in question.options:
                    key = f"{prefix}{qid}_{option.id}"
                    want = bool(value) and option.id in value
                    widget = session.widget(key)
                    current = session.values.get(widget.id)
                    if (current.bool_value if current else False) != want:
                        session.set_checkbox(key, want)
                        changed = True
                        break  # one tap, one rerun
                if changed:
                    return qid
            elif question.type == "text":
                widget = session.widget(prefix + qid)
                current = session.values.get(widget.id)
                if (current.string_value if current else "") != value:
                    session.set_text(prefix + qid, value)
                    return qid
            else:
                widget = session.widget(prefix + qid)
                label = widget.options[[o.id for o in question.options].index(value)]
                current = session.values.get(widget.id)
                if current is None or current.string_value != label:
                    session.set_radio(prefix + qid, label)
                    return qid
        return None

    def _choose(self, question) -> Any:
        if question.type == "multi":
            picks = [o.id for o in question.options
                     if o.id not in ("none", "prefer_not_to_say") and self.rng.random() < 0.35]
            return picks or ["none"]
        if question.type == "text":
            return self.rng.choice(TEXTS)
        return self.rng.choice(question.options).id

    async def _pause_before_next(self, press: int) -> None:
        if self.gate is not None:
            await self.gate.wait(press)
            await asyncio.sleep(self.rng.uniform(0, self.go_spread))  # "go": everyone within the second
        else:
            await asyncio.sleep(self.rng.uniform(*self.step_pause))

    async def _press_next(self, session: StreamlitSession) -> None:
        shown = self._shown_questions(session)
        started = time.perf_counter()
        await session.click("yp_next")
        self.result.next_times.append(time.perf_counter() - started)
        self._check_page(session)
        if any(SAVE_FAILED_HINT in w for w in session.page.warnings):
            self.result.save_failed += 1  # told it was not saved: press again later (not confirmed)
            return
        if session.page.errors:
            raise ProtocolError(f"the page shows errors after Next: {session.page.errors}")
        # Told it was saved (the next step or the thank-you page is showing): remember what was sent.
        for qid in shown:
            value = self._chosen.get(qid)
            if value not in (None, "", []):
                self.result.confirmed[qid] = value
        self.result.confirmed_steps += 1
        if self.on_confirmed:
            self.on_confirmed(self.result)

    def _shown_questions(self, session: StreamlitSession) -> list[str]:
        prefix = f"a_{self.result.resume_code}_"
        return [qid for qid, keys in self._keys.items() if any(prefix + k in session.page.widgets for k in keys)]

    def _check_page(self, session: StreamlitSession) -> None:
        if session.page.exceptions:
            raise ProtocolError(f"the page shows an exception: {session.page.exceptions}")

    def _receipt(self, session: StreamlitSession) -> str:
        match = re.search(r"receipt code: \*\*([A-Z0-9-]+)\*\*", session.page.text())
        if not match:
            raise ProtocolError("thank-you page without a receipt code")
        return match.group(1)

    def _widget_keys_by_question(self) -> dict[str, list[str]]:
        keys: dict[str, list[str]] = {}
        for section in self.survey.sections:
            for q in section.questions:
                keys[q.id] = [f"{q.id}_{o.id}" for o in q.options] if q.type == "multi" else [q.id]
        return keys


async def _quiet_close(session: StreamlitSession) -> None:
    try:
        await asyncio.wait_for(session.close(), 5)
    except Exception:  # the connection is already gone; nothing to tidy
        pass
