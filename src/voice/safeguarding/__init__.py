"""Safeguarding records beyond the lead's queue screens (voice.analysis.safeguarding):

- held.py      the one rule saying which free text is held for the leads (everyone else uses it)
- markers.py   closed answers a survey marks as a risk, checked on every submitted response
- records.py   turning indicators into items (one open item per response) and keeping the record on erasure
- notify.py    telling the leads: an outbox sent by e-mail (SMTP) and/or a webhook after the commit
"""
