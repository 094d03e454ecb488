"""Characters as a person sees them, which a cut must not split: a letter and its combining marks,
an emoji and its skin tone or variation selector, what a zero-width joiner joins, a flag's two
letters, consonants a virama joins into one conjunct (Hindi's क्ष). Search snippets are cut and
marked between them, and so are export file names."""

import unicodedata

SKIN_TONES = range(0x1F3FB, 0x1F400)
EMOJI_TAGS = range(0xE0020, 0xE0080)  # a subdivision flag's letters (🏴 England)
REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)  # a flag is two of them
# The viramas that join the consonants on either side into one conjunct (Unicode's
# Indic_Conjunct_Break=Linker): Devanagari, Bengali, Gujarati, Oriya, Telugu, Malayalam.
CONJUNCT_LINKERS = frozenset("\u094d\u09cd\u0acd\u0b4d\u0c4d\u0d4d")


def continues_a_character(text: str, at: int) -> bool:
    """Whether text[at] belongs to the character seen before it: a combining accent, a variation
    selector or skin tone, what a zero-width joiner joins, a flag's second letter, a conjunct's
    consonant after its virama."""
    if not 0 < at < len(text):
        return False
    point, before = ord(text[at]), text[at - 1]
    if unicodedata.category(text[at]) in ("Mn", "Me", "Mc") or point in SKIN_TONES or point in EMOJI_TAGS:
        return True
    if text[at] == "\u200d" or before == "\u200d":
        return True
    if before in CONJUNCT_LINKERS and unicodedata.category(text[at]) == "Lo":
        return True
    if point in REGIONAL_INDICATORS:
        letters = 0  # the regional indicators just before it: an odd number, and it closes a flag
        while at - letters > 0 and ord(text[at - letters - 1]) in REGIONAL_INDICATORS:
            letters += 1
        return letters % 2 == 1
    return False


def whole_characters_start(text: str, at: int) -> int:
    while continues_a_character(text, at):
        at -= 1
    return at


def whole_characters_end(text: str, at: int) -> int:
    while continues_a_character(text, at):
        at += 1
    return at
