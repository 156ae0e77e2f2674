"""Downloads built from what the selectors read: one module per feature, one CSV writer (exports.csv)."""
