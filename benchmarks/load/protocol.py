"""A minimal Streamlit browser: one websocket session on /_stcore/stream, speaking the protobufs.

What a browser tab does, reduced to what a survey needs (read in streamlit/web/server/starlette and
streamlit/runtime/app_session.py of the installed package):
- connect with the subprotocol "streamlit" (no Origin header: same as a non-browser client, allowed);
- send BackMsg.rerun_script(ClientState) with the query string and the value of every widget on the page;
- the server answers with ForwardMsgs: new_session at the start of each script run, deltas (elements
  keyed by delta_path), page_info_changed (the script changed st.query_params), and script_finished.
  st.rerun() ends a run with FINISHED_EARLY_FOR_RERUN and starts another, so a press is over only at
  FINISHED_SUCCESSFULLY (or a compile error).
- widget ids embed the user key ("$$ID-<hash>-<key>"), so widgets are found by key, as tests do.
We never report cached message hashes, so the server never sends ref_hash stand-ins.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

WIDGET_TYPES = {"button", "radio", "checkbox", "text_area", "text_input", "number_input"}


class ProtocolError(RuntimeError):
    """The server said something a browser would not expect (or nothing at all)."""


def user_key(widget_id: str) -> str | None:
    # Same rule as streamlit.runtime.state.common.user_key_from_element_id.
    key = widget_id.split("-", maxsplit=2)[-1]
    return None if key == "None" else key


@dataclass
class Widget:
    kind: str
    id: str
    key: str | None
    proto: Any
    label: str

    @property
    def options(self) -> list[str]:
        return list(getattr(self.proto, "options", []))

    @property
    def disabled(self) -> bool:
        return bool(getattr(self.proto, "disabled", False))


@dataclass
class Page:
    """The elements of the last completed script run."""

    widgets: dict[str, Widget] = field(default_factory=dict)  # by user key
    texts: list[str] = field(default_factory=list)  # markdown, headings, alerts, captions, in order
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(self.texts)


class StreamlitSession:
    """One browser tab. Not thread-safe; one asyncio task drives it."""

    def __init__(self, base_url: str, query_string: str = "", timeout: float = 60.0,
                 existing_session_id: str | None = None):
        self.ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        # A browser reconnecting passes its session id as the third subprotocol entry (the second is its
        # XSRF token); the security tests use this to present someone else's id, as an attacker would.
        self.subprotocols = (["streamlit", "no-xsrf-token", existing_session_id] if existing_session_id
                             else ["streamlit"])
        self.query_string = query_string
        self.timeout = timeout
        self.page = Page()
        self.values: dict[str, WidgetState] = {}  # widget id -> the value the "browser" holds
        self._ws = None
        self._elements: dict[tuple[int, ...], Any] = {}

    async def __aenter__(self) -> "StreamlitSession":
        await self.open()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def open(self) -> Page:
        self._ws = await asyncio.wait_for(
            connect(self.ws_url, subprotocols=self.subprotocols, max_size=2**24, open_timeout=self.timeout,
                    ping_interval=None),
            self.timeout)
        return await self.rerun()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    # --- actions a person takes ---------------------------------------------------------------

    def widget(self, key: str) -> Widget:
        try:
            return self.page.widgets[key]
        except KeyError:
            raise ProtocolError(f"no widget with key {key!r} on the page: {sorted(self.page.widgets)}") from None

    def set_radio(self, key: str, label: str) -> None:
        w = self.widget(key)
        if label not in w.options:
            raise ProtocolError(f"{label!r} is not an option of {key}")
        self.values[w.id] = WidgetState(id=w.id, string_value=label)

    def set_checkbox(self, key: str, value: bool) -> None:
        w = self.widget(key)
        self.values[w.id] = WidgetState(id=w.id, bool_value=value)

    def set_text(self, key: str, value: str) -> None:
        w = self.widget(key)
        self.values[w.id] = WidgetState(id=w.id, string_value=value)

    async def click(self, key: str) -> Page:
        w = self.widget(key)
        if w.disabled:
            raise ProtocolError(f"button {key} is disabled")
        return await self.rerun(trigger=w.id)

    async def rerun(self, trigger: str | None = None) -> Page:
        """Send the widgets' values (and a button press) and wait for the script to finish."""
        await self.send_rerun(trigger)
        await self._read_until_finished()
        return self.page

    async def double_tap(self, key: str) -> Page:
        """Two presses of one button sent back to back, before the first run has finished.

        Returns the page once both presses have settled (the server quiet for 1.5 s)."""
        w = self.widget(key)
        await self.send_rerun(w.id)
        await self.send_rerun(w.id)
        await self._read_until_finished()
        await self._drain(1.5)
        return self.page

    async def send_rerun(self, trigger: str | None = None) -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = ""  # the default page (the survey), as a fresh tab opens it
        for ws in self.values.values():
            state.widget_states.widgets.append(ws)
        if trigger:
            state.widget_states.widgets.append(WidgetState(id=trigger, trigger_value=True))
        await self._ws.send(msg.SerializeToString())

    # --- reading the server's answer ----------------------------------------------------------------

    async def _read_until_finished(self) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ProtocolError(f"the script did not finish within {self.timeout} s")
            if self._handle(await asyncio.wait_for(self._ws.recv(), remaining)):
                return

    async def _drain(self, idle: float) -> None:
        """Read whatever else the server sends until it has been quiet for `idle` seconds (bounded)."""
        for _ in range(1000):
            try:
                raw = await asyncio.wait_for(self._ws.recv(), idle)
            except asyncio.TimeoutError:
                return
            self._handle(raw)

    def _handle(self, raw: bytes) -> bool:
        """Apply one ForwardMsg; True when a script run has finished and the page is complete."""
        fwd = ForwardMsg()
        fwd.ParseFromString(raw)
        kind = fwd.WhichOneof("type")
        if kind == "new_session":
            self._elements = {}  # a new script run redraws the whole page
        elif kind == "delta":
            self._elements[tuple(fwd.metadata.delta_path)] = fwd.delta
        elif kind == "page_info_changed":
            self.query_string = fwd.page_info_changed.query_string
        elif kind == "session_event" and fwd.session_event.HasField("script_compilation_exception"):
            raise ProtocolError("the app failed to compile")
        elif kind == "script_finished":
            status = fwd.script_finished
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                raise ProtocolError("the app failed to compile")
            if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                self._build_page()
                return True
            # FINISHED_EARLY_FOR_RERUN: st.rerun() (or a newer press) started another run; keep reading.
        return False

    def _build_page(self) -> None:
        page = Page()
        for path in sorted(self._elements):
            delta = self._elements[path]
            if delta.WhichOneof("type") != "new_element":
                continue
            element = delta.new_element
            kind = element.WhichOneof("type")
            if kind in WIDGET_TYPES:
                proto = getattr(element, kind)
                key = user_key(proto.id)
                if key is not None:
                    page.widgets[key] = Widget(kind, proto.id, key, proto, proto.label)
                self._sync_value(kind, proto)
            elif kind == "markdown":
                page.texts.append(element.markdown.body)
            elif kind == "heading":
                page.texts.append(element.heading.body)
            elif kind == "alert":
                page.texts.append(element.alert.body)
                if element.alert.format == 1:  # Alert.ERROR
                    page.errors.append(element.alert.body)
                elif element.alert.format == 2:  # Alert.WARNING
                    page.warnings.append(element.alert.body)
            elif kind == "exception":
                page.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        # Like the frontend, forget the values of widgets that are no longer drawn.
        live = {w.id for w in page.widgets.values()}
        self.values = {wid: v for wid, v in self.values.items() if wid in live}
        self.page = page

    def _sync_value(self, kind: str, proto: Any) -> None:
        """When the script set a widget's value (session state), the browser takes that value."""
        if kind == "button" or not getattr(proto, "set_value", False):
            return
        if kind == "radio":
            if proto.HasField("raw_value"):
                self.values[proto.id] = WidgetState(id=proto.id, string_value=proto.raw_value)
            else:
                self.values.pop(proto.id, None)
        elif kind == "checkbox":
            self.values[proto.id] = WidgetState(id=proto.id, bool_value=proto.value)
        elif kind in ("text_area", "text_input"):
            if proto.HasField("value"):
                self.values[proto.id] = WidgetState(id=proto.id, string_value=proto.value)
            else:
                self.values.pop(proto.id, None)
