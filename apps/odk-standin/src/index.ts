// Public API of @mts/odk-standin: every export is named here.
