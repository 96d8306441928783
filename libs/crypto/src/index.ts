// Public API of @mts/crypto: every export is named here.
