"""Synthetic data at council and national scale, and the benchmark scripts that print figures."""
