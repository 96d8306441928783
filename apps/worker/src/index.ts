// Public API of @mts/worker: every export is named here.
