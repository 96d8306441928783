// Public API of @mts/authenticator: every export is named here.
