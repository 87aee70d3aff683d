"""A young person takes a survey: /?survey=<id>&group=<code>[&campaign=<name>], or by typing a code."""

from voice.ui.survey_flow import run

run()
