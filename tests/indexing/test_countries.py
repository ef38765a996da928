"""Countries by code or by name in the five languages (pycountry + a few aliases)."""

from __future__ import annotations

import pytest

from indexing.countries import COUNTRY_CODES, country_code


@pytest.mark.parametrize(("name", "code"), [
    ("KE", "KE"), ("ke", "KE"), ("KEN", "KE"), ("Kenya", "KE"),
    ("Sénégal", "SN"), ("senegal", "SN"), ("Pays-Bas", "NL"), ("Países Bajos", "NL"),
    ("Brasil", "BR"), ("Brésil", "BR"), ("Perú", "PE"), ("Pérou", "PE"),
    ("مصر", "EG"), ("الأردن", "JO"), ("المغرب", "MA"), ("Côte d’Ivoire", "CI"),
    ("Moçambique", "MZ"), ("Estados Unidos", "US"), ("Bolivia", "BO"), ("Türkiye", "TR"),
])
def test_names_in_five_languages(name: str, code: str) -> None:
    assert country_code(name) == code


def test_unknown_names_are_none() -> None:
    assert country_code("Atlantis") is None
    assert country_code("") is None


def test_codes_are_iso_3166() -> None:
    assert len(COUNTRY_CODES) == 249
    assert {"KE", "SN", "XK"} & COUNTRY_CODES == {"KE", "SN"}
