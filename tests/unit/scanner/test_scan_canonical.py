"""The canonical view on adversarial text: one hand-written example per obfuscation class (none
copied from any data set), and the shapes that only look like contact details.

555-01xx numbers are reserved for fiction and do not validate, so the examples use other
exchanges of real area codes."""

from __future__ import annotations

import pytest

from sidedeal.scanner import scan
from sidedeal.scanner.canon import joins, read_edited, read_word

NUMBER = "+14157360134"


def phones(text: str, country: str = "US") -> set[str]:
    return {f.value for f in scan(text, country) if f.kind == "phone"}


def emails(text: str) -> set[str]:
    return {f.value for f in scan(text, "US") if f.kind == "email"}


@pytest.mark.parametrize(
    "text",
    [
        # symbol separators
        "call 415=736=0134",
        "call 415*736*0134 after six",
        "reach me 415/736//0134",
        "text 415_736_0134",
        "text 415~736~0134",
        "ph 415::736::0134",
        "call 415---736---0134",
        "call 4,1,5,7,3,6,0,1,3,4",
        "call [415] 736 0134",
        "call {415) 736-0134",
        "call 415) 736-0134",
        "call (415 736 0134",
        "text ✦ 415 ✦ 736 ✦ 0134 ✦",
        "call 415 🌟 736 🌟 0134",
        # line break
        "text me at (415)\n736-0134",
        "call 415\n736 0134 thanks",
        # look-alike letters, any position and case
        "call 4I5 736 Ol34",
        "call 4l5-7E6".replace("E", "3") + "-o134",
        "call four 1 five 73six 0134",
        "call four one five seven three six zer0 one three four",
        "call f0ur 0ne five 736 0134",
        # digit words and digits mixed, misspelled, stretched
        "call fourr one fiive 736 0134",
        "call 415 sevn 3 6 0134",
        "call 415 seven threee six 01 three four",
        # tens words
        "call 415 736 zero one thirty-four",
        "call four fifteen seven thirty six zero one thirty four",
        # trunk prefix
        "call 1-415-736-0134",
        "call 1 (415) 736-0134",
    ],
)
def test_every_obfuscation_class_reads_as_the_number(text: str) -> None:
    assert phones(text) == {NUMBER}, text


@pytest.mark.parametrize(
    "text",
    [
        "Literature: Ottomeyer, Das Kunsthandwerk, 1986, vol. 2, pp. 312-318 (1986)",
        "exhibited 1978, cat. 204-211 (1978)",
        "See pages 312-318 (1986) of the catalogue raisonne.",
        "Address: 23972-23974-23976 2nd Street",
        "LTE bands (1/2/3/4/5/7/8/12/13/25/26/41)",
        "sizes 7, 7.5, 8, 8.5, 9, 9.5, 10, 10.5, 11",
        "fits models 7.1, 7.2, 7.3, 7.4, 7.5",
        "Part no. HDW-14322-003 and Swdvk-414254-se",
        "72455640-4-2-1764-Concord-94520",
        "Registered till January 2018\n117000 miles",
        "open 9:00 am - 6:00 pm\nSat: 10:00 am - 5:00 pm",
        "available on August 1st, 2017 @ $2195.00/month",
        "Dimensions 53.5 x 31.5 x 3.5 in / 135.9 x 80.0 x 8.9 cm",
        "Torque 200 lb-ft @ 2,750 rpm",
    ],
)
def test_references_lists_and_measures_are_not_phones(text: str) -> None:
    assert phones(text) == set(), text


def test_a_number_after_a_price_on_the_line_before_is_found() -> None:
    assert phones("Asking $25500.00\nfour one five 736-0134") == {NUMBER}


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("mail me: jane.doe@gmail", "janedoe@gmail.com"),
        ("write to jdoe81 at Yahoo", "jdoe81@yahoo.com"),
        ("kdoe at cs school edu", "kdoe@cs.school.edu"),
        ("j-a-n-e at example dot org", "jane@example.org"),
        ("jdoe (at) example [dot] com", "jdoe@example.com"),
        ("Updated 2008 . jdoe @ example.org", "jdoe@example.org"),
    ],
)
def test_email_forms(text: str, address: str) -> None:
    assert emails(text) == {address}, text


@pytest.mark.parametrize(
    "text",
    [
        "Server at example.org",
        "available at example.com",
        "find me at example.com",
        "Apache Server at example.org Port 80",
        "I will be at home com tuesday",
    ],
)
def test_a_word_at_a_website_is_not_an_email(text: str) -> None:
    assert emails(text) == set(), text


def test_the_reading_rules() -> None:
    assert joins(" ✤ ", "415", "736", word=False)
    assert joins("\n", "415", "736", word=False)
    assert not joins("\n", "2018", "117", word=False)  # a line break only after an area code
    assert not joins("\n", "415", "2018", word=False)  # and never before a year
    assert not joins(",", "1", "200", word=False)  # "1,200" is an amount
    assert joins(",", "1", "2", word=False)
    assert not joins(" $", "17", "2195", word=False)
    assert not joins("\n\n", "415", "736", word=False)
    assert read_word("threee") == ("three", "d", 3)
    assert read_word("zer0") == ("zero", "d", 0)
    assert read_word("tree") is None  # not a stretched "tre"
    assert read_edited("sevn") == ("seven", "d", 7)
    assert read_edited("fine") is None  # one edit from both five and nine: no reading


def test_one_edit_words_count_only_between_digits() -> None:
    assert phones("call 415 736 0134 nice") == {NUMBER}
    assert phones("nine one five seven three six zero one three four") == {"+19157360134"}
    # "nice" reads as nine only between digits, so it cannot start a number.
    assert phones("nice one five seven three six zero one three four") == set()
