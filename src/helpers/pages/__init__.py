"""Layer 5: one package per page (segments 01, migration 02, cohorts 03, tiers 04, campaigns 05,
value 06, review 00), each with its compute, charts, sentences (narrative) and output files.
A page imports kit and below, never another page; review reads the others.
"""
