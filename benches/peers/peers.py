#!/usr/bin/env python3
"""Times detente's game workloads with the peer libraries, side by side.

Runs with pygambit and axelrod from PyPI (`pip install pygambit axelrod`), and the
release `detente` binary (`cargo build --release`). Prints one line per workload:
the peer's time and detente's. With --check-phase-games it reads every scenario's
phase game (.efg) with pygambit and compares subgame-perfect payoffs. With --axelrod-scores FILE it also writes the per-pair
scores of axelrod's deterministic strategies over 200 turns, the fixture that
crates/detente-game/tests/ipd.rs compares against. With --enummixed-fixture FILE it
writes 600 random degenerate two-player games (2 to 4 strategies each, payoffs 0 to 3)
with the extreme equilibria pygambit's enummixed_solve(rational=True) lists for each,
the fixture that crates/detente-game/tests/vertex_enumeration.rs compares against.
With --instructions it counts the instructions each of detente's workload commands
executes, under valgrind's callgrind (docs/game-theory.md, "Speed"). The binary is
target/release/detente, or the one the DETENTE environment variable names.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DETENTE = Path(os.environ.get("DETENTE", ROOT / "target" / "release" / "detente"))
GAMES = ROOT / "crates" / "detente-game" / "tests" / "games"
NAMES = [
    "Cooperator", "Defector", "Tit For Tat", "Suspicious Tit For Tat", "Tit For 2 Tats",
    "Grudger", "Alternator", "Win-Stay Lose-Shift", "Soft Go By Majority", "Bully",
    "Two Tits For Tat", "Hard Tit For Tat", "Cycler CCD", "Cycler DDC", "Cycler CCCD",
]


def random_game(size, seed):
    """The random games of crates/detente-game/benches/solvers.rs (same generator)."""
    state = seed
    mask = (1 << 64) - 1

    def draw():
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & mask
        return (state >> 33) % 201 - 100

    a = [[draw() for _ in range(size)] for _ in range(size)]
    b = [[draw() for _ in range(size)] for _ in range(size)]
    return a, b


def write_nfg(a, b, path):
    m, n = len(a), len(a[0])
    payoffs = []
    for j in range(n):
        for i in range(m):
            payoffs += [str(a[i][j]), str(b[i][j])]
    path.write_text(f'NFG 1 R "random" {{ "1" "2" }} {{ {m} {n} }}\n\n' + " ".join(payoffs) + "\n")


def timed(function, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def detente(*args):
    return lambda: subprocess.run([str(DETENTE), *args], check=True, capture_output=True)


def axelrod_players():
    import axelrod as axl

    by_name = {s().name: s for s in axl.strategies}
    return [by_name[n]() for n in NAMES]


def axelrod_scores(path):
    import axelrod as axl

    players = axelrod_players()
    scores = {}
    for i, a in enumerate(players):
        for b in players[i + 1:]:
            match = axl.Match((a.clone(), b.clone()), turns=200)
            match.play()
            sa, sb = match.final_score()
            scores[f"{a.name} | {b.name}"] = [int(sa), int(sb)]
    Path(path).write_text(json.dumps({"turns": 200, "scores": scores}, indent=1) + "\n")


def small_games(count, seed):
    """`count` pseudo-random games: 2 to 4 strategies each, payoffs 0 to 3 (many ties,
    so most are degenerate)."""
    state = seed
    mask = (1 << 64) - 1

    def draw(n):
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & mask
        return (state >> 33) % n

    games = []
    for _ in range(count):
        m, n = 2 + draw(3), 2 + draw(3)
        a = [[draw(4) for _ in range(n)] for _ in range(m)]
        b = [[draw(4) for _ in range(n)] for _ in range(m)]
        games.append((a, b))
    return games


def enummixed_fixture(path):
    import pygambit as gbt

    out = []
    for a, b in small_games(600, 2026):
        game = gbt.Game.from_arrays(a, b)
        result = gbt.nash.enummixed_solve(game, rational=True)
        equilibria = sorted(
            [[str(e[s]) for s in player.strategies] for player in game.players] for e in result.equilibria
        )
        out.append({"a": a, "b": b, "equilibria": equilibria})
    header = f"pygambit {gbt.__version__} enummixed_solve(rational=True), benches/peers/peers.py --enummixed-fixture"
    Path(path).write_text(json.dumps({"source": header, "games": out}, separators=(",", ":")) + "\n")


def instruction_workloads(tmp):
    """The commands whose instructions --instructions counts: the bundled oracle games
    and the random games of the benches, written to `tmp`."""
    workloads = [
        ("all equilibria of von Stengel's 75-equilibrium game", ["solve", str(GAMES / "vonstengel-75.nfg")]),
        ("all equilibria of the long Lemke-Howson game", ["solve", str(GAMES / "long-lh-unique.nfg")]),
    ]
    for seed in range(4):
        path = Path(tmp) / f"random-8x8-{seed}.nfg"
        write_nfg(*random_game(8, seed), path)
        workloads.append((f"all equilibria of random 8x8 game {seed}", ["solve", str(path)]))
    for size in (50, 100):
        path = Path(tmp) / f"random-{size}.nfg"
        write_nfg(*random_game(size, 7), path)
        workloads.append((f"one equilibrium of a random {size}x{size} game", ["solve", str(path), "--one"]))
    workloads.append(("15-strategy round robin, 200 turns x 5", ["tournament", "--ipd"]))
    chain = Path(tmp) / "chain-100.toml"
    chain.write_text(chain_spec(100, 3))
    workloads.append(("analysis and phase game (.efg) of a 100-phase agreement",
                      ["analyze", str(chain), "--efg", str(Path(tmp) / "chain-100.efg")]))
    return workloads


def instructions():
    """Instructions executed by each workload command (valgrind's callgrind, whole
    process): a count that, unlike a time, does not depend on the machine's load or
    clock, and changes little between machines of one architecture."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name, args in instruction_workloads(tmp):
            run = subprocess.run(
                ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", str(DETENTE), *args,
                 "--format", "json"],
                capture_output=True, text=True, check=True,
            )
            count = re.search(r"Collected : (\d+)", run.stderr).group(1)
            print(f"{name}: {int(count):,} instructions")


def chain_spec(phases, seed):
    """A two-party agreement of `phases` phases with pseudo-random phase values."""
    state = seed
    mask = (1 << 64) - 1

    def draw(n):
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & mask
        return (state >> 33) % n

    text = ('[agreement]\nid = "chain"\ntitle = "A chain"\nadopted = 2030-01-01\n\n'
            '[[party]]\nid = "alpha"\nname = "Alpha"\nrole = "signatory"\n\n'
            '[[party]]\nid = "beta"\nname = "Beta"\nrole = "signatory"\n\n')
    for k in range(phases):
        after = f'after = ["p{k - 1}"]\n' if k else ""
        text += f'[[phase]]\nid = "p{k}"\ntitle = "Phase {k}"\n{after}\n'
        for party, other in (("alpha", "beta"), ("beta", "alpha")):
            cost, benefit = draw(4), 1 + draw(5)
            text += (f'[[commitment]]\nid = "{party}-{k}"\ntitle = "step"\nphase = "p{k}"\nby = ["{party}"]\n'
                     f'kind = "continuing"\ncategory = "mutual"\n'
                     f'values = {{ cost = {cost}, benefit = {{ {other} = {benefit} }} }}\n\n')
    return text


def check_phase_games():
    """Reads phase games (`detente analyze --efg`) with pygambit, solves them by
    backward induction over Gambit's own tree, and compares the subgame-perfect payoffs
    with detente's analysis: every bundled scenario, and chains of 2 to 1,000 phases."""
    import tempfile

    import pygambit as gbt

    sys.setrecursionlimit(100_000)
    # Exact payoffs of long chains have thousands of digits (0.9 to the 1,000th power).
    sys.set_int_max_str_digits(0)
    with tempfile.TemporaryDirectory() as tmp:
        chains = []
        for phases, seed in ((2, 1), (16, 2), (100, 3), (1000, 4)):
            path = Path(tmp) / f"chain-{phases}.toml"
            path.write_text(chain_spec(phases, seed))
            chains.append(path)
        check_files(sorted((ROOT / "scenarios").glob("*.toml")) + chains, gbt)


def check_files(files, gbt):
    import tempfile

    for scenario in files:
        with tempfile.TemporaryDirectory() as tmp:
            efg = Path(tmp) / "phases.efg"
            report = subprocess.run(
                [str(DETENTE), "analyze", str(scenario), "--efg", str(efg), "--format", "json"],
                check=True, capture_output=True, text=True,
            )
            phases = json.loads(report.stdout)["phases"]
            if not phases:
                continue
            game = gbt.read_efg(str(efg))
            players = list(game.players)

            def solve(node):
                if node.is_terminal:
                    return [float(node.outcome[p]) if node.outcome is not None else 0.0 for p in players]
                mover = players.index(node.player)
                perform, defect = solve(node.children["perform"]), solve(node.children["defect"])
                return perform if perform[mover] >= defect[mover] else defect

            gambit = solve(game.root)
            first = phases[0]
            ours = [s["value_of_performing"] if first["self_enforcing"] else 0.0 for s in first["parties"]]
            agree = all(abs(a - b) < 1e-3 for a, b in zip(gambit, ours))
            print(f"phase game of {scenario.name}: Gambit's tree gives {[round(x, 4) for x in gambit]}, "
                  f"detente {ours}: {'agree' if agree else 'DISAGREE'}")


def main():
    if "--check-phase-games" in sys.argv:
        check_phase_games()
        return
    if "--instructions" in sys.argv:
        instructions()
        return
    if "--enummixed-fixture" in sys.argv:
        enummixed_fixture(sys.argv[sys.argv.index("--enummixed-fixture") + 1])
        return
    if "--axelrod-scores" in sys.argv:
        axelrod_scores(sys.argv[sys.argv.index("--axelrod-scores") + 1])
        return
    import axelrod as axl
    import pygambit as gbt

    # pygambit's exact settings (rational=True), as detente is exact; the game is read
    # before the clock starts.
    game = gbt.read_nfg(str(GAMES / "vonstengel-75.nfg"))
    peer = timed(lambda: gbt.nash.enummixed_solve(game, rational=True))
    ours = timed(detente("solve", str(GAMES / "vonstengel-75.nfg"), "--format", "json"))
    print(f"all equilibria, 75-equilibrium game: pygambit {peer:.3f} s, detente {ours:.3f} s")

    for size in (50, 100):
        a, b = random_game(size, 7)
        peer_game = gbt.Game.from_arrays(a, b)
        peer = timed(lambda: gbt.nash.lcp_solve(peer_game, rational=True, stop_after=1), repeat=1)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "random.nfg"
            write_nfg(a, b, path)
            ours = timed(detente("solve", str(path), "--one", "--format", "json"))
        print(f"one equilibrium, random {size}x{size}: pygambit lcp_solve (rational) {peer:.3f} s, detente {ours:.3f} s")

    # The library's serial path (processes=None, its default): processes=1 starts a
    # worker process and is many times slower. Timed twice: playing the matches only
    # (the interactions written to a file, as the library does without a result set),
    # and with the result set it builds by default (every statistic of the tournament,
    # most of the time).
    players = axelrod_players()
    turns = len(players) * (len(players) - 1) // 2 * 200 * 5

    def play(build_results):
        fd, name = tempfile.mkstemp(suffix=".csv")
        os.close(fd)
        try:
            axl.Tournament(players, turns=200, repetitions=5).play(
                progress_bar=False, build_results=build_results, filename=name
            )
        finally:
            os.remove(name)

    peer_play = timed(lambda: play(False))
    peer_results = timed(lambda: play(True), repeat=1)
    ours = timed(detente("tournament", "--ipd", "--turns", "200", "--repetitions", "5"))
    print(f"15-strategy round robin, 200 turns x 5: axelrod (serial) {peer_play:.3f} s playing "
          f"({turns / peer_play:,.0f} turns/s), {peer_results:.3f} s with its result set; "
          f"detente {ours:.4f} s ({turns / ours:,.0f} turns/s, including process start)")


if __name__ == "__main__":
    main()
