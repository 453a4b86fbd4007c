"""Benchmarks behind `console bench`: sync, ledger at scale, start-up time, signalling fan-out."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    """Run the benchmark named by `args.name`; its last stdout line is one JSON object."""
    # Imported lazily: each benchmark pulls in different parts (Qt, subprocesses, bulk data).
    if args.name == "sync":
        from console.bench import sync

        return sync.run(args)
    if args.name == "ledger":
        from console.bench import ledger

        return ledger.run(args)
    if args.name == "startup":
        from console.bench import startup

        return startup.run(args)
    if args.name == "call":
        from console.bench import call

        return call.run(args)
    if args.name == "signalling":
        from console.bench import signalling

        return signalling.run(args)
    if args.name == "catalogue":
        from console.bench import catalogue

        return catalogue.run(args)
    if args.name == "wall":
        from console.bench import wall

        return wall.run(args)
    if args.name == "intake":
        from console.bench import intake

        return intake.run(args)
    if args.name == "room":
        from console.bench import room

        return room.run(args)
    if args.name == "map":
        from console.bench import map as map_bench

        return map_bench.run(args)
    if args.name == "stats":
        from console.bench import stats

        return stats.run(args)
    raise ValueError(f"unknown benchmark {args.name!r}")
