"""Runners: the commands' work. The bench, the nightly, bring-up, the build command and
bench pairs (run/pair). They compose every layer below and nothing below imports them. Imports: config, judge,
transport, build, sim, board, probes, record, report and the roots."""
