"""Layer 2: the model graph and its one walk (graph), DuckDB's engine (db) and Spark's
(spark_models, spark_staging), the Spark SQL beside each model (portable). Imports core only.
"""
