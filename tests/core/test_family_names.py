"""core/bib/references.family_names: a plain name's family name is read without pybtex, and is
the one pybtex's parse gives (the bibliography sorts and labels references by it)."""

from __future__ import annotations

import pytest
from pybtex.database import Person

from paperkb.core.bib.references import _family_name, family_names

NAMES = ["Plato", "Diederik P. Kingma", "Yann LeCun", "J.R.R. Tolkien", "O'Neil Shaquille", "D'Arcy Thompson",
         "Étienne Ghys", "İsmail Kara", "ΑΒ Γδ", "Eve 3rd", "A. Vaswani",
         # not plain: pybtex decides
         "Ludwig van Beethoven", "Juan de la Cruz", "de la Cruz", "Jean-Paul Sartre", "Anne Smith-Jones",
         "Kingma, Diederik P.", "{Google Brain}", "Mary~Ann Evans", " Padded Name ", "Two  Spaces", "x Y",
         "Ab_c Def", "ǅ Test", "张伟", "Hu 2"]


@pytest.mark.parametrize("name", NAMES)
def test_a_family_name_is_the_one_pybtex_reads(name):
    _family_name.cache_clear()
    person = Person(name)
    assert _family_name(name) == (" ".join(person.prelast_names + person.last_names) or name)


def test_et_al_is_left_out():
    assert family_names(["Ashish Vaswani", "Noam Shazeer", "et al."]) == ["Vaswani", "Shazeer"]
