"""The parsers every importer and the matcher share, one module per kind of value.

- ``folios``: Miami-Dade folio numbers (13 digits, ``MM-TRSS-SSS-PPPP``).
- ``addresses``: the canonical street key, and one-line addresses split into street/city/state/zip.
- ``states``: mailing states and countries (out-of-state owners).
- ``owner_names``: DOR ``OWN_NAME`` ("LAST FIRST M"): owner type, estate/heirs/life-estate markers.
- ``numbers``: money and integers, tolerant of thousands separators and junk.
- ``dates``: dates in every spelling the sources use, and DOR sale months.

Everything here is a pure function called once per row of million-row files: no I/O, no global
state, precompiled tables, token loops instead of backtracking regular expressions.
"""
