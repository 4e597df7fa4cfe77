"""Records: what was measured, kept. results/<run-id>.json written atomically as each
figure arrives, the run's provenance, the SQLite history and the sink that feeds it.
Imports: judge, config and the roots."""
