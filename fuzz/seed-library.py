#!/usr/bin/env python3
"""Seeds corpus/library for the `library` fuzz target: one real request per operation
(the first byte picks the operation, as the target reads it), built from the bundled
agreements and the Six-Party record, so that mutations reach the readers behind the
JSON parser. Run from fuzz/: python3 seed-library.py"""
import json
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OPERATIONS = ["check", "state", "timeline", "explain", "readings", "simulate", "compare", "analyze", "solve"]


def read(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def write(name, operation, request):
    os.makedirs("corpus/library", exist_ok=True)
    with open(os.path.join("corpus/library", name), "wb") as f:
        f.write(bytes([OPERATIONS.index(operation)]) + json.dumps(request).encode())


korea = {"name": "korea-2020.toml", "text": read("scenarios/korea-2020.toml")}
six = {"name": "six-party-2007.toml", "text": read("scenarios/six-party-2007.toml")}
events = [json.loads(line) for line in read("scenarios/six-party-2007.events.jsonl").splitlines() if line.strip()]
write("check", "check", {"agreement": korea})
write("state", "state", {"agreement": six, "events": events[:20], "at": "2008-08-12"})
write("state-reading", "state", {"agreement": six, "events": events[:20], "at": "2008-08-12", "reading": "dprk"})
write("timeline", "timeline", {"agreement": six, "events": events[:10], "to": "2008-01-01"})
write("explain", "explain", {"agreement": six, "events": events[:10], "at": "2008-01-01", "id": "terrorism-delisting"})
write("readings", "readings", {"agreement": six, "events": events, "at": "2008-08-12"})
write("analyze", "analyze", {"agreement": korea, "discount": 0.8})
write("solve-nfg", "solve", {"game": 'NFG 1 R "g" { "1" "2" } { 2 2 }\n3 3 0 5 5 0 1 1\n'})
write("solve-efg", "solve", {"game": read("crates/detente-game/tests/games/selten-horse.efg")})
