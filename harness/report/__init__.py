"""Reports a person reads: one HTML page per run (html.py, plots in svg.py), JUnit XML for CI
(junit.py), both rendered from the results files and the history database (model.py)."""
