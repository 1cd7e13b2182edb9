"""Internal helpers shared by ganaug's modules."""
