"""TEMPORARY stand-in until feat/data's bootstrap lands (feat/security deletes it on merge)."""

from voice.db import upgrade


def prepare_database(engine, settings, load_demo: bool = False) -> None:
    upgrade(engine)
