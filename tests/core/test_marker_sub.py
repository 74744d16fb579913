import random
import re

import pytest

from paperkb.core.marker_sub import sub_markers

SLOT = re.compile(r"<!--s-(\d+)-->|\ue000x(\d+)\ue001")
SLOT_STARTS = ("<!--s-", "\ue000x")
COMMENT = re.compile(r"<!--.*?-->", re.S)


def numbered(match: re.Match[str]) -> str:
    return f"[{match.group(1) or match.group(2)}]"


@pytest.mark.parametrize("text", [
    "",
    "no marker at all",
    "<!--s-1-->",
    "a<!--s-1--><!--s-22-->b\ue000x3\ue001c",
    "<!--s-<!--s-4-->",  # a start that fails, then a match inside what it looked at
    "<!--s-x--> <!--s-5",  # starts that never match
    "\ue000x<!--s-6-->\ue001\ue000x7\ue001",
    "<!--s-<!--s-<!--s-8-->-->",
])
def test_same_as_pattern_sub(text):
    assert sub_markers(SLOT, SLOT_STARTS, numbered, text) == SLOT.sub(numbered, text)


def test_same_as_pattern_sub_on_random_text():
    pieces = ["<!--", "s-", "-->", "1", "\ue000x", "\ue001", "<", "!", "-", "a", "\n"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(30)))
        assert sub_markers(SLOT, SLOT_STARTS, numbered, text) == SLOT.sub(numbered, text), text
        assert sub_markers(COMMENT, ("<!--",), lambda m: "", text) == COMMENT.sub("", text), text


def test_the_text_itself_when_nothing_matches():
    text = "<p>plain</p>" * 10
    assert sub_markers(SLOT, SLOT_STARTS, numbered, text) is text
