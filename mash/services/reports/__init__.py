"""Statutory returns and performance information, read from the records the front door keeps."""
