"""Run the partner simulator: python -m mash.partners [--host 127.0.0.1] [--port 8900] [--mode slow ...]."""

import argparse

from mash.partners.simulator import MODES, serve


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve the simulator until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m mash.partners", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--mode", choices=MODES, default="normal")
    parser.add_argument("--delay", type=float, default=None, help="seconds to wait before answering")
    args = parser.parse_args(argv)
    behaviour: dict[str, object] = {"mode": args.mode}
    if args.delay is not None:
        behaviour["delay"] = args.delay
    serve(args.host, args.port, behaviour=behaviour)


if __name__ == "__main__":
    main()
