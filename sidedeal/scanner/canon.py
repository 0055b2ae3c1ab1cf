"""How a text reads as digits: the canonical view the phone detector works on.

People who hide a number from a filter keep it readable to a person, and a person reads past
almost anything between the digits: ``510 ✤ 764 ✤ 2266``, ``707..689..652..4``, ``925=555=0134``,
``(415)/ 555 // 0134``, an area code on one line and the rest on the next. They also write digits
as words, misspelled or stretched ("threee", "sevn"), as tens ("twenty-five"), with letters that
look like digits in any position ("5lO", "ZER0", "0ne").

The view is built in one pass over the tokens (``tokens.tokenise``): each token that can stand for
digits keeps its span in the normalised text (which ``normalise`` maps back to the original), so
the digits read are always tied to what the writer typed. Two rules decide what the pass reads:

- ``joins``: what may stand between two digit-bearing tokens of one number. Anything that is not
  an ASCII letter or digit, up to ``MAX_GAP`` characters and at most one line break; a comma only
  next to a number word or between two single digits ("5,5,5,0,1,3,4"), because "1,200" and
  "2004, 2005" are how people write amounts and lists. Letters of other scripts count as symbols
  (``(925)个 384 个 0317``): after normalisation, every look-alike of a Latin letter is Latin.
- ``read_word``: which words stand for digits. The number words of ``words``, those words with
  look-alike digits in them ("zer0", "0ne", "f1ve"), and misspellings: letters doubled by
  stretching ("threee", "fiiive") read as the word itself; one letter added, dropped, changed or
  swapped ("sevn", "eigth", "fuor") reads only *between* digits, never at the ends of a number,
  because ordinary words are one letter away from number words ("fine", "nice", "tree", "your").

Candidates from the view are validated by ``phonenumbers`` and weighed by their context
(``context``), never accepted on their shape alone. Everything here is linear in the text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sidedeal.scanner.words import NUMBER_WORDS, wordset

MAX_GAP = 8
# Characters that end a gap at once: ASCII letters and digits (a word or another number).
_MONEY = frozenset("$€£¥%")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_STOPS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

# Classes whose words give digits; "fill" and "join" words ("dash", "and") only separate.
_DIGIT_CLASSES = ("d", "teen", "tens", "comp")
_AS_O_AND_I = str.maketrans("01", "oi")
_AS_O_AND_L = str.maketrans("01", "ol")
_REPEATS = re.compile(r"(.)\1+")
_LONG_REPEATS = re.compile(r"(.)\1\1+")
# Short number words are too close to ordinary words for one edit ("six"/"sin", "two"/"too").
_MIN_EDITED = 4


def joins(gap: str, left: str, right: str, word: bool) -> bool:
    """True when ``gap`` may stand between two tokens of one number, whose digits are ``left``
    and ``right``; ``word``: one of them is a number word.

    A comma separates only before a single digit or next to a number word ("5,5,5,0,1,3,4",
    "five, five"; not "1,200" or "2004, 2005"). A line break only follows an area code or a
    word (three characters at most) and never comes before a year: "(916)\n833-4304", not
    "January 2018\n117000 miles". A currency sign makes the digits after it a price.
    """
    if len(gap) > MAX_GAP:
        return False
    if not gap:
        return True
    if not _STOPS.isdisjoint(gap) or not _MONEY.isdisjoint(gap):
        return False
    breaks = gap.count("\n")
    if breaks > 1 or (breaks and (len(left) > 3 or _YEAR.fullmatch(right))):
        return False
    return "," not in gap or word or len(right) == 1


@lru_cache(maxsize=8192)
def read_word(word: str) -> tuple[str, str, int] | None:
    """``(number word, class, value)`` that the lower-case ``word`` stands for, or ``None``.

    The number word is ``word`` itself, or an English one read through look-alike digits
    ("zer0", "0ne", "f1ve") or stretched letters ("threee", "fiiive", "sixx").
    """
    info = NUMBER_WORDS.get(word)
    if info is not None:
        return word, info[0], info[1]
    if word.isalpha() and _REPEATS.search(word) is None:
        return None  # most words: neither a look-alike digit nor a doubled letter in them
    forms = [word]
    if any(ch.isdigit() for ch in word):
        forms = [word.translate(_AS_O_AND_I), word.translate(_AS_O_AND_L)]
    for form in forms:
        for reading in (form, _LONG_REPEATS.sub(r"\1\1", form), _REPEATS.sub(r"\1", form)):
            if reading != word and reading in _ENGLISH_SET:
                cls, value = NUMBER_WORDS[reading]
                return reading, cls, value
    return None


def read_edited(word: str) -> tuple[str, str, int] | None:
    """The English number word one edit away from the lower-case ``word`` (a letter added,
    dropped, changed, or two swapped), when exactly one is and ``word`` has ``_MIN_EDITED``
    letters or more ("sevn", "eigth", "fuor"). Such a reading is trusted only between digits
    (see the module docstring). A table lookup: the edits are computed once, at import."""
    form = _EDITED.get(word)
    if form is None:
        return None
    cls, value = NUMBER_WORDS[form]
    return form, cls, value


_ENGLISH_SET = wordset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety"
)
_ENGLISH = sorted(_ENGLISH_SET)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _edits(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changes = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | swaps | changes | inserts) - {word}


def _edited_table() -> dict[str, str]:
    table: dict[str, str] = {}
    ambiguous: set[str] = set()
    for number_word in _ENGLISH:
        for form in _edits(number_word):
            if len(form) < _MIN_EDITED or form in NUMBER_WORDS:
                continue
            if form in table and table[form] != number_word:
                ambiguous.add(form)
            table[form] = number_word
    return {form: word for form, word in table.items() if form not in ambiguous}


_EDITED = _edited_table()


def clear_caches() -> None:
    """Forget the words read."""
    read_word.cache_clear()
