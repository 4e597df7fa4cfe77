"""Reports: what people read. The printed tables, the HTML page and its SVG plots, and
JUnit XML, all drawn from results documents. Imports: record, judge, config and the roots; never a
runner."""
