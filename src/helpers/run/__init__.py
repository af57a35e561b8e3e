"""Layer 6 (the top): the notebook opening, the monthly runner, the explorer, the Spark job entry.
"""
