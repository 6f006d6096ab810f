"""One module per sheet of the report; each has `build(wb, ctx)` and takes its figures from `reporting.selectors`."""
