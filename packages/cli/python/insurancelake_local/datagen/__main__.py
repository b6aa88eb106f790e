"""Command line of the generator: ``python -m insurancelake_local.datagen --help``."""

from __future__ import annotations

import argparse
import logging
import sys

from . import (
    DATASETS,
    KINDS,
    MALFORMED_MODES,
    MAX_ROWS,
    MIN_ROWS,
    write_all,
    write_dataset,
)


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m insurancelake_local.datagen``."""
    p = argparse.ArgumentParser(
        prog="python -m insurancelake_local.datagen",
        description="Write deterministic synthetic insurance data (streaming, constant memory).",
        epilog="kinds: " + "; ".join(f"{k} → {d.collect_key} ({d.description})" for k, d in DATASETS.items())
        + ". malformed modes: " + "; ".join(f"{k}: {v}" for k, v in MALFORMED_MODES.items()),
    )  # fmt: skip
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--kind", choices=KINDS, help="the dataset to write to --out")
    target.add_argument(
        "--all",
        action="store_true",
        help="write every dataset under --out-dir in the Collect layout",
    )
    target.add_argument(
        "--customers",
        action="store_true",
        help="write the entity-match customer example (A01, C25, F15 over two days) under --out-dir",
    )
    p.add_argument(
        "--rows",
        type=int,
        default=10_000,
        help=f"data rows ({MIN_ROWS}..{MAX_ROWS:,}; default 10000)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        help="random seed: same seed, same bytes (default 0)",
    )
    p.add_argument("--out", help="output file for --kind (.gz compresses)")
    p.add_argument(
        "--out-dir", help="Collect folder for --all: <DIR>/<Database>/<Table>/<file>"
    )
    p.add_argument(
        "--bad-rows",
        type=int,
        default=0,
        help="spoil this many rows for data-quality demos",
    )
    p.add_argument(
        "--malformed", choices=tuple(MALFORMED_MODES), help="write a broken file"
    )
    p.add_argument(
        "--policy-rows",
        type=int,
        help="claims: row count of the policy file they refer to (default --rows)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the generator command; returns the process exit code."""
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    args = parser().parse_args(argv)
    p = parser()
    try:
        if args.customers:
            if not args.out_dir:
                p.error("--customers needs --out-dir")
            from .customers import write_example

            write_example(args.out_dir, seed=args.seed)
        elif args.all:
            if not args.out_dir:
                p.error("--all needs --out-dir")
            if args.bad_rows or args.malformed:
                p.error("--bad-rows and --malformed apply to one file: use --kind")
            write_all(args.out_dir, rows=args.rows, seed=args.seed)
        else:
            if not args.out:
                p.error("--kind needs --out")
            write_dataset(
                args.kind, args.out, rows=args.rows, seed=args.seed, bad_rows=args.bad_rows,
                malformed=args.malformed, policy_rows=args.policy_rows,
            )  # fmt: skip
    except ValueError as error:
        p.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
