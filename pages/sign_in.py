"""Staff sign in: username and password, or the organisation's own sign-in when configured."""

from voice.ui.sign_in_page import render

render()
