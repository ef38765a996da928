"""Hand-written text banks used by data/generate.py.

Slots understood by the generator inside any string:
  {place}      a city or region in the author's country
  {country}    the author's country name
  {num:A-B}    an integer drawn in [A, B]
  {pct:A-B}    an integer percentage in [A, B], rendered with the language's % style
  {dec:A-B}    a number with one decimal in [A, B]
  {year}       a year between 2008 and the contribution year
"""
