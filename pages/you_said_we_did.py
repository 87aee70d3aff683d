"""Public "you said, we did" for young people: /you_said_we_did[?group=<code>]. No sign-in."""

from voice.ui.yswd_public import run

run()
