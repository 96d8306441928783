// Public API of @mts/store: every export is named here.
