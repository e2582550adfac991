"""Who is this child? Blocking keys to find candidate known children, and a score for each candidate."""

from mash.matching.keys import BlockingKeys, blocking_keys, candidate_keys
from mash.matching.score import MatchScore, Person, score

__all__ = ["BlockingKeys", "MatchScore", "Person", "blocking_keys", "candidate_keys", "score"]
