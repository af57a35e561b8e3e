"""Layer 1 (the bottom): settings and parameters, paths, file identity, errors, safety.
Imports nothing else of the workbook.
"""
