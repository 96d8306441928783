// Public API of @mts/api: every export is named here.
