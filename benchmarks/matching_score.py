"""Time `mash.matching.score` for one new child against synthetic known children.

Run from the repository root: `.venv/bin/python benchmarks/matching_score.py [--candidates N]`. Prints a table and
writes benchmarks/results/matching_score.json. The floor is a bare rapidfuzz Jaro-Winkler call on the same
pairs of full names: the least any name-matching score could cost from Python. "Cold" is the first time
this process sees each name; "rows fetched again" is new Person objects built from the same rows, the
steady state of a long-running worker whose name caches are warm.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import string
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from rapidfuzz.distance import JaroWinkler

from mash.matching import Person, score

RESULTS = Path(__file__).parent / "results" / "matching_score.json"
SEED = 20150307
NEW_FIRST_NAME = "Alfie"
NEW_LAST_NAME = "Hendry"
NEW_BORN = date(2015, 3, 7)


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(","))


FIRST_NAMES = _names(
    "Alfie, Alfred, Alf, Freddie, Frederick, Lexi, Alexandra, Alex, Alexander, Sasha, Robert, Bobby, Rob, "
    "Elizabeth, Liz, Beth, Ellie, Eleanor, William, Billy, Liam, Harry, Henry, Jack, John, Kate, "
    "Katherine, Catherine, Katie, Mohammed, Muhammad, Mohamed, Mo, Thomas, Tom, Samuel, Samantha, Sam, "
    "Charlie, Charlotte, Maddie, Madison, James, Jamie, Daniel, Joshua, Matthew, Michael, Natalie, "
    "Nathan, Abigail, Rebecca, Isabella, Izzy, Edward, Teddy, Oliver, Olivia, Amelia, Emily, Ava, Isla, "
    "Mia, Grace, Freya, Lily, Noah, Leo, Oscar, Archie, George, Arthur, Amira, Aisha, Amina, Fatima, "
    "Zainab, Maryam, Yusuf, Ibrahim, Ayaan, Aarav, Priya, Ananya, Arjun, Rohan, Chinedu, Chidinma, "
    "Oluwaseun, Seun, Tobi, Temitope, Adebayo, Kemi, Emeka, Ngozi, Kwame, Ama, Minh, Anh, Linh, Huy, "
    "Thao, Tuan, Zoë, Siobhán, Niamh, Aoife, Ciarán, Seán"
)
SURNAMES = _names(
    "Hendry, Smith, Jones, Williams, Brown, Taylor, Davies, Evans, Wilson, Thomas, Johnson, Roberts, "
    "Robinson, Thompson, Wright, Walker, White, Edwards, Hughes, Green, Hall, Lewis, Harris, Clarke, "
    "Patel, Khan, Ahmed, Hussain, Ali, Begum, Akhtar, Shah, Singh, Kaur, Chaudhry, Choudhury, Rahman, "
    "Islam, Uddin, Mohamed, Osman, Abdi, Farah, Okafor, Okonkwo, Adeyemi, Adebayo, Oluwaseun, Mensah, "
    "Owusu, Boateng, Asante, Nwachukwu, Eze, Obi, Nguyen, Tran, Le, Pham, Hoang, Vu, Dang, Bui, Do, Ngo, "
    "Murphy, Kelly, O'Brien, O'Sullivan, Walsh, Byrne, Ryan, O'Connor, McCarthy, Doyle, Ní Bhriain, "
    "Smith-Jones, Morgan-Hughes, Garcia, Silva, Santos, Kowalski, Nowak, Yilmaz, Demir, Ivanov, Chen, "
    "Wang, Li, Zhang"
)
SCHOOLS = [f"{name} Primary School" for name in ("Hackney", "Brook", "St Mary's", "Holy Trinity", "Gayhurst")] + [
    f"{name} Academy" for name in ("Mossbourne", "Clapton", "Stoke Newington", "Bridge", "Cardinal Pole")
]
OUTWARD_CODES = ("E5", "E8", "E9", "N1", "N16", "E2", "E1", "N4", "E10", "E15")


def _typo(word: str, rng: random.Random) -> str:
    position = rng.randrange(len(word))
    letter = rng.choice(string.ascii_lowercase)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:position] + letter + word[position + 1 :]
    if kind == 1 and len(word) > 2:
        return word[:position] + word[position + 1 :]
    return word[:position] + letter + word[position:]


def _postcode(rng: random.Random) -> str:
    inward = f"{rng.randrange(10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    return f"{rng.choice(OUTWARD_CODES)} {inward}"


def _nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check % 11)


def synthetic_candidates(new: Person, count: int, rng: random.Random) -> list[Person]:
    """Make known children: mostly strangers, some near misses, a few the new child retyped."""
    candidates = []
    for _ in range(count):
        roll = rng.random()
        first = NEW_FIRST_NAME if roll < 0.02 else rng.choice(FIRST_NAMES)
        last = NEW_LAST_NAME if roll < 0.05 else rng.choice(SURNAMES)
        if rng.random() < 0.1:
            first = _typo(first, rng)
        if rng.random() < 0.3:
            last = _typo(last, rng)
        born = NEW_BORN if roll < 0.08 else NEW_BORN + timedelta(days=rng.randint(-900, 900))
        candidates.append(
            Person(
                first_name=first,
                last_name=last.upper() if rng.random() < 0.1 else last,
                date_of_birth=None if rng.random() < 0.03 else born,
                nhs_number=_nhs_number(rng) if rng.random() < 0.1 else None,
                postcode=new.postcode if rng.random() < 0.05 else _postcode(rng),
                school=rng.choice(SCHOOLS) if rng.random() < 0.7 else None,
            )
        )
    return candidates


def _time(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> None:
    """Score one new child against synthetic candidates and report the cost per call."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    arguments = parser.parse_args()

    new = Person(NEW_FIRST_NAME, NEW_LAST_NAME, NEW_BORN, postcode="E8 1AA", school="Hackney Primary School")
    candidates = synthetic_candidates(new, arguments.candidates, random.Random(SEED))
    new_name = f"{NEW_FIRST_NAME} {NEW_LAST_NAME}"
    known_names = [f"{known.first_name or ''} {known.last_name or ''}" for known in candidates]

    def floor() -> None:
        for known_name in known_names:
            JaroWinkler.similarity(new_name, known_name)

    def ours(known_children: list[Person]) -> Callable[[], None]:
        def run() -> None:
            for known in known_children:
                score(new, known)

        return run

    timings = [
        ("rapidfuzz JaroWinkler.similarity (floor)", _time(floor)),
        ("score(), cold: every name normalised", _time(ours(candidates))),
        ("score(), rows fetched again: names cached", _time(ours([replace(known) for known in candidates]))),
    ]
    floor_seconds = timings[0][1]
    rows = [
        {
            "case": case,
            "calls": len(candidates),
            "total_ms": round(seconds * 1000, 1),
            "us_per_call": round(seconds / len(candidates) * 1e6, 2),
            "times_floor": round(seconds / floor_seconds, 1),
        }
        for case, seconds in timings
    ]
    bands = Counter(score(new, known).band for known in candidates)

    print(f"{len(candidates):,} candidates for one new child ({new_name}, born {NEW_BORN})")
    print(f"{'case':<44} {'total ms':>10} {'us/call':>9} {'x floor':>8}")
    for row in rows:
        print(f"{row['case']:<44} {row['total_ms']:>10} {row['us_per_call']:>9} {row['times_floor']:>8}")
    print("bands: " + ", ".join(f"{band} {bands[band]:,}" for band in ("likely", "possible", "unlikely")))

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": "matching_score",
        "candidates": len(candidates),
        "distinct_first_names": len({known.first_name for known in candidates}),
        "distinct_surnames": len({known.last_name for known in candidates}),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "rows": rows,
        "bands": dict(bands),
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
