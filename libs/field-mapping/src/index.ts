// Public API of @mts/field-mapping: every export is named here.
