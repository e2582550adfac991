"""Synthetic partner agencies beside the clients that call them: a shared data set and a simulator of their APIs, for
development and tests (`mash partners simulate`). Like the clients it imports nothing of mash; unlike them it
serves HTTP with Flask, and no client imports it."""
