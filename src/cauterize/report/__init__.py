"""The transparency report: figures per period, rule and network (docs/report.md)."""
