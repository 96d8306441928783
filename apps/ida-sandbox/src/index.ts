// Public API of @mts/ida-sandbox: every export is named here.
