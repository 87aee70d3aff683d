"""The app's own inline scripts: fixed text (nothing stored or typed goes in), allowed by the
Content-Security-Policy through their hashes (voice.web.middleware), so no other inline script can run."""

# A new screen of the survey (step, thank-you page) starts at its top, not where the young person had
# scrolled to on the last one to reach Next (voice.ui.survey_flow).
SCROLL_TO_TOP = ("document.querySelectorAll('[data-testid=\"stMain\"]')"
                 ".forEach(function (el) { el.scrollTo(0, 0); });")

APP_INLINE_SCRIPTS = (SCROLL_TO_TOP,)
