"""Problems a young person can meet, each with a kind message to show them.

Each is a `SurveyProblem` (the survey screens catch that one class) and also the family kind it is
(`voice.errors`): a code that does not exist is NotFound, a closed round is Refused, an answer that
cannot be stored is Invalid.
"""

from __future__ import annotations

from voice.errors import Invalid, NotFound, Refused, VoiceError


class SurveyProblem(VoiceError):
    """Base class: `message` is safe and kind to show a young person."""

    def __init__(self, message: str):
        super().__init__(message)


class UnknownGroup(SurveyProblem, NotFound):
    def __init__(self, code: str):
        super().__init__(f"We couldn't find the group code “{code}”. "
                         "Check the link or ask the adult who gave it to you.")
        self.code = code


class UnknownResumeCode(SurveyProblem, NotFound):
    def __init__(self, code: str):
        super().__init__("We couldn't find that code. Check each letter and number, or start the survey again.")
        self.code = code


class ResumeCodeExpired(SurveyProblem, Refused):
    def __init__(self, days: int):
        super().__init__(f"That code has run out: codes work for {days} days after you start. "
                         "You can start the survey again.")
        self.days = days


class TooManyTries(SurveyProblem, Refused):
    """Too many codes that did not work, from this screen or for this group: wait before trying again."""

    def __init__(self, wait_minutes: int):
        unit = "minute" if wait_minutes == 1 else "minutes"
        super().__init__(f"That's a lot of codes that didn't work. Please wait {wait_minutes} {unit} and try again, "
                         "or start the survey again.")
        self.wait_minutes = wait_minutes


class CampaignClosed(SurveyProblem, Refused):
    def __init__(self, name: str):
        super().__init__("This survey is closed now, so it can't take new answers. Thank you for wanting to take part.")
        self.name = name


class UnknownCampaign(SurveyProblem, NotFound):
    def __init__(self, name: str, survey_id: str):
        super().__init__(f"We couldn't find the survey round “{name}”. Check the link you were given.")
        self.name, self.survey_id = name, survey_id


class AlreadySubmitted(SurveyProblem, Refused):
    def __init__(self, receipt_code: str):
        super().__init__("These answers have already been sent. Thank you!")
        self.receipt_code = receipt_code


class AnswerRejected(SurveyProblem, Invalid):
    """An answer that cannot be stored as it is (too long, not one of the choices)."""

    def __init__(self, question_id: str, message: str):
        super().__init__(message)
        self.question_id = question_id
