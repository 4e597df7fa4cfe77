"""Judgement: the scheduler's constants (bandwidth.rs), physical ceilings, verdicts and
invariants, regression against history baselines, and the pair's lane/BER judgement. Pure
functions over numbers: no board, no I/O beyond reading a constants file. Imports: config
and the roots."""
