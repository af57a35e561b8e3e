"""Layer 2: the model graph (db) over DuckDB, and the same models on Spark (spark_models,
spark_staging, portable). Imports core only.
"""
