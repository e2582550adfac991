"""Synthetic partner agencies: a shared data set and a simulator of their APIs for development and tests."""
