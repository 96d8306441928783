// Public API of @mts/parsers: every export is named here.
