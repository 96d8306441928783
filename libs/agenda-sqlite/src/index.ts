// Public API of @mts/agenda-sqlite: every export is named here.
