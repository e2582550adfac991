"""Who is this child? Blocking keys to find candidate known children, and a score for each candidate."""

from mash.matching.keys import probe_keys, stored_keys
from mash.matching.score import MatchScore, Person, score

__all__ = ["MatchScore", "Person", "probe_keys", "score", "stored_keys"]
