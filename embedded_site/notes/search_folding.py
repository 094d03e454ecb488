"""What the word indexes fold beyond their tokenizer (docs/api.md, "Search"): unicode61 lower-cases
and takes the accents off Latin letters, but leaves Arabic vowel marks (harakat) and an alef's
hamza, Hebrew points (niqqud), Greek accents, ё, ß and full-width Latin (ＡＢＣ) as they are, and
Persian ی and ک apart from Arabic ي and ك, ٢٠٢٦ apart from 2026: so that `كتب` missed `كَتَبَ`,
`strasse` missed "Straße" and `کتاب` "كتاب". fold() makes the text the indexes read (migration
0023 indexes a view of the notes through it, as the SQL function FOLD_FUNCTION; on PostgreSQL,
0028's function of that name folds the notes' words alike) and each searched word alike. Turkish
ı and i stay two letters, as Turkish has them; so do й and и.

FTS5 marks its matches in the folded text; unfolded() puts those marks back on the note's own
characters, so that a snippet shows "كَتَبَ" marked, not "كتب".
"""

import re
import unicodedata
from bisect import bisect_right

FOLD_FUNCTION = "notedesk_search_fold"


def without_accents(text: str) -> str:
    """`text` with the accents (combining marks) off its letters, as unicode61 takes them off: é as
    e, but ², ª and ﬁ as they are (a compatibility form is a character of its own to the index)."""
    return "".join(character for character in unicodedata.normalize("NFD", text) if not unicodedata.combining(character))


def folds() -> dict[int, str]:
    table = {}
    for low, high in [
        (0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06DC), (0x06DF, 0x06E4),
        (0x06E7, 0x06E8), (0x06EA, 0x06ED),  # Arabic harakat and Quranic marks
        (0x0640, 0x0640),  # Arabic tatweel, the stretch of a joined letter
        (0x0591, 0x05BD), (0x05BF, 0x05BF), (0x05C1, 0x05C2), (0x05C4, 0x05C5), (0x05C7, 0x05C7),  # Hebrew points
    ]:
        table.update(dict.fromkeys(range(low, high + 1), ""))
    for point in [*range(0x0370, 0x0400), *range(0x1F00, 0x2000)]:  # Greek letters with accents
        letter = chr(point)
        bare = without_accents(letter)
        if letter.isalpha() and bare != letter and bare.isalpha():
            table[point] = bare
    table.update(dict.fromkeys(map(ord, "أإآٱ"), "ا"))  # Arabic alef with hamza, madda or wasla: often typed bare
    # Persian's ye and kaf, and Arabic's, are one letter each with two code points: a Persian text
    # typed on an Arabic keyboard has ي and ك, one typed on a Persian keyboard ی and ک (0024).
    table.update({ord("ی"): "ي", ord("ک"): "ك", ord("ۀ"): "ه"})  # and Persian's heh with yeh, as heh
    # Arabic-Indic and Persian digits as 0-9: ٢٠٢٦ and ۲۰۲۶ are 2026, whichever keyboard typed them.
    table.update({point: str(point - base) for base in (0x0660, 0x06F0) for point in range(base, base + 10)})
    table.update({ord("ё"): "е", ord("Ё"): "Е", ord("ß"): "ss", ord("ẞ"): "SS"})
    table.update({point: chr(point - 0xFEE0) for point in range(0xFF01, 0xFF5F)})  # full-width ASCII
    # Greek's final sigma as σ: unicode61 and casefold() fold it so, PostgreSQL's lower() does not.
    table[ord("ς")] = "σ"
    return table


# The indexes were made with this table, and a note's words are taken out of them folded by it
# again: a change to it needs a migration that rebuilds them (as 0023 does; PostgreSQL's, 0028),
# unless unicode61 folds the change alike (ς).
FOLDS = folds()
# Finding whether a text has anything to fold is a scan in C; translating it goes through a dict
# for each character that is not ASCII (a million characters of Russian: 100 ms, in every save's
# triggers, against 2 ms to find that nothing folds).
FOLDED = re.compile("[" + "".join(re.escape(chr(point)) for point in sorted(FOLDS)) + "]")


def fold(text: str | None) -> str | None:
    """The text as the word indexes read it (None stays None, as SQL's NULL)."""
    return text if text is None or not FOLDED.search(text) else text.translate(FOLDS)


def word_form(text: str) -> str:
    """`text` as the word indexes compare its words: fold()ed, case-folded and without accents."""
    folded = fold(text).casefold()
    return folded if folded.isascii() else without_accents(folded)  # ASCII has no accents to take off


def unfolded(original: str, marked: str, markers: tuple[str, str]) -> str:
    """`original` with the markers FTS5 put in its folded text (`marked`) around the same
    characters; a mark after a marked letter (a haraka, a point) is inside the marks with it."""
    if fold(original) == original:
        return marked
    # Where each stretch of the folded text starts, and the original character it comes from.
    folded_starts, sources, at = [], [], 0
    for index, character in enumerate(original):
        replacement = FOLDS.get(ord(character), character)
        if replacement:
            folded_starts.append(at)
            sources.append(index)
            at += len(replacement)
    start, end = markers
    pieces, copied, position, rest = [], 0, 0, marked
    while rest:
        next_start, next_end = rest.find(start), rest.find(end)
        found = [(place, marker) for place, marker in [(next_start, start), (next_end, end)] if place >= 0]
        if not found:
            break
        place, marker = min(found)
        position += place
        rest = rest[place + len(marker):]
        if marker == start:
            cut = sources[bisect_right(folded_starts, position) - 1] if position < at else len(original)
        else:
            cut = sources[bisect_right(folded_starts, position - 1) - 1] + 1
            while cut < len(original) and FOLDS.get(ord(original[cut])) == "":
                cut += 1
        pieces += [original[copied:cut], marker]
        copied = cut
    return "".join(pieces) + original[copied:]
