"""The person's languages, read from the OS locale's variables as GNU gettext reads them: LANGUAGE's
list first, then LC_ALL, LC_MESSAGES and LANG. The spell checker checks in them, and the window
asks the app's pages in them (its Accept-Language)."""

import locale
import os

FALLBACK_LANGUAGE = "en_US"


def os_languages() -> list[str]:
    """The languages of the OS locale, as enchant names them ("en_US"), most wanted first."""
    return named_languages([*locale_variables(), locale.getlocale()[0] or ""]) or [FALLBACK_LANGUAGE]


def page_languages() -> list[str]:
    """The languages the locale's variables name, as a page's Accept-Language names them ("en-US");
    none in the C locale. Not Python's locale, which takes C.UTF-8 (and a locale the system lacks)
    for en_US: an app whose default language is French would have answered in English."""
    return [language.replace("_", "-") for language in named_languages(locale_variables())]


def locale_variables() -> list[str]:
    return [*os.environ.get("LANGUAGE", "").split(":"), os.environ.get("LC_ALL", ""),
            os.environ.get("LC_MESSAGES", ""), os.environ.get("LANG", "")]


def named_languages(candidates: list[str]) -> list[str]:
    wanted = []
    for candidate in candidates:
        language = candidate.split(".")[0].split("@")[0]
        if language and language not in ("C", "POSIX") and language not in wanted:
            wanted.append(language)
    return wanted
