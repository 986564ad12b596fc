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
With --efg-fixture FILE it writes, for the bundled .efg games pygambit reads and 300
generated ones (two-player games of imperfect information with perfect recall, and
games of perfect information with ties), what pygambit finds: lcp_solve(rational=True)
for the former, and for the latter the pure agent-form equilibria of
enumpure_agent_solve that are subgame perfect (the mover's action the best at every
decision node, by pygambit's node_value); crates/detente-game/tests/efg_oracles.rs
compares against it. With --types-fixture FILE it writes, for small phased games with types
(the agreements of crates/detente-game/tests/types/ and korea-2020 over 1 to 3 phases,
each written by `detente analyze --types-efg` with its chance moves), the equilibrium
pygambit's lcp_solve(rational=True) finds; crates/detente-game/tests/types_oracles.rs
compares detente's with it. With --check-efg it runs `detente solve --format json` on the
bundled .efg games and compares with pygambit directly. With --instructions it counts the instructions each of detente's workload commands
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
            # What the subgame-perfect play leaves each party from the first phase on
            # (its value of performing if the phase holds, else the first defection's
            # leaf, hold-up included).
            ours = first["outcome"]
            agree = all(abs(a - b) < 1e-3 for a, b in zip(gambit, ours))
            print(f"phase game of {scenario.name}: Gambit's tree gives {[round(x, 4) for x in gambit]}, "
                  f"detente {ours}: {'agree' if agree else 'DISAGREE'}")


def lcg(seed):
    """The benches' generator: a draw below n."""
    state = seed
    mask = (1 << 64) - 1

    def draw(n):
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & mask
        return (state >> 33) % n

    return draw


def efg_text(title, players, lines):
    names = " ".join(f'"{p}"' for p in players)
    return f'EFG 2 R "{title}" {{ {names} }}\n""\n\n' + "\n".join(lines) + "\n"


def probabilities(draw, count):
    """`count` positive probabilities summing to 1, as fractions."""
    from fractions import Fraction

    weights = [1 + draw(4) for _ in range(count)]
    return [Fraction(w, sum(weights)) for w in weights]


def imperfect_game(seed):
    """A two-player game of imperfect information with perfect recall: chance deals each
    player a private type, then two or three stages, each a move of one player (two or
    three actions), seen by the other or not, or a public chance move; small integer
    payoffs (ties and degeneracy are common), sometimes at inner nodes too."""
    draw = lcg(seed)
    stages = []
    for _ in range(2 + draw(2)):
        if draw(5) == 0:
            stages.append(("chance", 2, True, probabilities(draw, 2)))
        else:
            stages.append((1 + draw(2), 2 + draw(2), draw(2) == 0, None))
    types = probabilities(draw, 4)
    infosets = {}
    counts = {1: 0, 2: 0, 0: 1}  # chance's set 1 is the deal
    outcomes = [0]
    lines = []

    def infoset(player, key):
        if key not in infosets:
            counts[player] += 1
            infosets[key] = counts[player]
            return infosets[key], True
        return infosets[key], False

    def outcome(inner):
        if inner and draw(4) != 0:
            return "0"
        if not inner and draw(8) == 0:
            return "0"
        outcomes[0] += 1
        return f'{outcomes[0]} "" {{ {draw(7) - 3}, {draw(7) - 3} }}'

    def node(stage, own_types, seen):
        if stage == len(stages):
            lines.append(f't "" {outcome(False)}')
            return
        mover, actions, visible, chance = stages[stage]
        if mover == "chance":
            # A set of its own for each chance node: pygambit 16.7 counts a chance set
            # whose nodes follow different chance moves as imperfect recall.
            counts[0] += 1
            listed = " ".join(f'"{a}" {p}' for a, p in zip("hl", chance))
            lines.append(f'c "" {counts[0]} "" {{ {listed} }} {outcome(True)}')
            for a in range(actions):
                node(stage + 1, own_types, {1: seen[1] + [a], 2: seen[2] + [a]})
            return
        key = (mover, own_types[mover], tuple(seen[mover]))
        number, first = infoset(mover, key)
        names = " ".join(f'"{"abc"[a]}"' for a in range(actions))
        lines.append(f'p "" {mover} {number} "" {{ {names} }} {outcome(True)}' if first or draw(2)
                     else f'p "" {mover} {number} {outcome(True)}')
        other = 3 - mover
        for a in range(actions):
            node(stage + 1, own_types,
                 {mover: seen[mover] + [a], other: seen[other] + [a if visible else "?"]})

    deal = " ".join(f'"{t}" {p}' for t, p in zip(("LL", "LH", "HL", "HH"), types))
    lines.append(f'c "" 1 "" {{ {deal} }} 0')
    for t1 in range(2):
        for t2 in range(2):
            node(0, {1: t1, 2: t2}, {1: [], 2: []})
    return efg_text(f"random imperfect information {seed}", ["1", "2"], lines)


def perfect_game(seed):
    """A game of perfect information: two or three players, chance here and there,
    payoffs 0 to 2 (many ties, so several subgame-perfect equilibria), at most 8
    decision nodes."""
    draw = lcg(seed)
    players = 2 + draw(2)
    lines = []
    decisions = [0]
    counts = {}

    def node(depth):
        if depth == 4 or (depth > 0 and draw(3) == 0) or decisions[0] >= 8:
            payoffs = ", ".join(str(draw(3)) for _ in range(players))
            lines.append(f't "" {len(lines) + 1} "" {{ {payoffs} }}')
            return
        actions = 2 + draw(2)
        if draw(5) == 0:
            counts[0] = counts.get(0, 0) + 1
            listed = " ".join(f'"{a}" {p}' for a, p in zip("xyz", probabilities(draw, actions)))
            lines.append(f'c "" {counts[0]} "" {{ {listed} }} 0')
        else:
            decisions[0] += 1
            mover = 1 + draw(players)
            counts[mover] = counts.get(mover, 0) + 1
            names = " ".join(f'"{"abc"[a]}"' for a in range(actions))
            lines.append(f'p "" {mover} {counts[mover]} "" {{ {names} }} 0')
        for _ in range(actions):
            node(depth + 1)

    node(0)
    return efg_text(f"random perfect information {seed}", [str(p + 1) for p in range(players)], lines)


def read_efg(gbt, file):
    """pygambit's reading of an .efg file. pygambit 16.7 refuses repeated node labels
    (Gambit's own nim.efg has them); names do not change a game, so such a file is read
    again with every node's name blanked."""
    try:
        return gbt.read_efg(str(file))
    except Exception as e:
        if "label must be unique" not in str(e):
            raise
        text = re.sub(r'^([cpt]) "(?:[^"\\]|\\.)*"', r'\1 ""', Path(file).read_text(), flags=re.M)
        with tempfile.TemporaryDirectory() as tmp:
            blank = Path(tmp) / Path(file).name
            blank.write_text(text)
            return gbt.read_efg(str(blank))


def behaviors(game, profile):
    """A behaviour profile as exact strings: by player, information set, action."""
    from fractions import Fraction

    return [[[str(Fraction(profile[a])) for a in i.actions] for i in p.infosets] for p in game.players]


def subgame_perfect(gbt, game):
    """pygambit's pure agent-form equilibria that are subgame perfect: at every decision
    node, the action played is one of the mover's best by node_value."""
    found = []
    for profile in gbt.nash.enumpure_agent_solve(game).equilibria:
        perfect = True
        for node in game.nodes:
            if node.is_terminal or node.player.is_chance:
                continue
            values = [profile.node_value(node.player, child) for child in node.children]
            chosen = next(k for k, a in enumerate(node.infoset.actions) if profile[a] == 1)
            perfect = perfect and values[chosen] == max(values)
        if perfect:
            found.append(behaviors(game, profile))
    return sorted(found)


def gambit_answer(gbt, game):
    perfect = all(len(i.members) == 1 for p in game.players for i in p.infosets)
    if perfect:
        return "subgame-perfect", subgame_perfect(gbt, game)
    return "lcp", [behaviors(game, e) for e in gbt.nash.lcp_solve(game, rational=True).equilibria]


def efg_fixture(path):
    import pygambit as gbt

    cases = []
    for file in sorted(GAMES.glob("*.efg")):
        game = read_efg(gbt, file)
        if len(game.players) != 2 and not all(len(i.members) == 1 for p in game.players for i in p.infosets):
            continue
        if not game.is_perfect_recall:
            continue
        method, equilibria = gambit_answer(gbt, game)
        cases.append({"file": file.name, "method": method, "equilibria": equilibria})
    with tempfile.TemporaryDirectory() as tmp:
        for kind, make, count in (("imperfect", imperfect_game, 200), ("perfect", perfect_game, 100)):
            for seed in range(1, count + 1):
                text = make(seed)
                efg = Path(tmp) / f"{kind}-{seed}.efg"
                efg.write_text(text)
                game = gbt.read_efg(str(efg))
                method, equilibria = gambit_answer(gbt, game)
                cases.append({"text": text, "method": method, "equilibria": equilibria})
    # One game a line.
    Path(path).write_text("[\n" + ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases) + "\n]\n")
    print(f"{len(cases)} games written to {path}")


TYPES = ROOT / "crates" / "detente-game" / "tests" / "types"


def types_cases():
    """The phased games with types checked against pygambit: (spec, phases, discount)."""
    for spec in sorted(TYPES.glob("*.toml")):
        for phases in (1, 2, 3):
            for discount in ("0.5", "0.9", "1"):
                yield spec, phases, discount
    for phases in (1, 2):
        yield ROOT / "scenarios" / "korea-2020.toml", phases, "0.9"


def types_fixture(path):
    """Each game with types as `detente analyze --types-efg` writes it, and the
    equilibrium pygambit's lcp_solve(rational=True) finds in it."""
    import pygambit as gbt

    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec, phases, discount in types_cases():
            efg = Path(tmp) / "types.efg"
            subprocess.run([str(DETENTE), "analyze", str(spec), "--types-efg", str(efg), "--types-phases",
                            str(phases), "--discount", discount, "--format", "json"],
                           check=True, capture_output=True)
            text = efg.read_text()
            game = gbt.read_efg(str(efg))
            equilibria = [behaviors(game, e) for e in gbt.nash.lcp_solve(game, rational=True).equilibria]
            cases.append({"spec": str(spec.relative_to(ROOT)), "phases": phases, "discount": discount,
                          "nodes": len(list(game.nodes)), "text": text, "equilibria": equilibria})
            print(f"{spec.name}, {phases} phases, discount {discount}: {len(list(game.nodes))} nodes")
    Path(path).write_text("[\n" + ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases) + "\n]\n")
    print(f"{len(cases)} games written to {path}")


def check_efg():
    """`detente solve --format json` on every bundled .efg game against pygambit."""
    import pygambit as gbt

    agree = disagree = 0
    for file in sorted(GAMES.glob("*.efg")):
        run = subprocess.run([str(DETENTE), "solve", str(file), "--format", "json"], capture_output=True, text=True)
        game = read_efg(gbt, file)
        perfect = all(len(i.members) == 1 for p in game.players for i in p.infosets)
        if not perfect and (len(game.players) != 2 or not game.is_perfect_recall):
            print(f"{file.name}: not solved by pygambit's lcp_solve either; detente exits {run.returncode}: "
                  f"{run.stderr.strip()}")
            continue
        method, theirs = gambit_answer(gbt, game)
        ours = json.loads(run.stdout)["equilibria"]
        same = sorted(ours) == sorted(theirs) if method == "subgame-perfect" else ours == theirs
        agree += same
        disagree += not same
        print(f"{file.name}: {method}, {len(theirs)} equilibri{'um' if len(theirs) == 1 else 'a'}: "
              f"{'agree' if same else 'DISAGREE'}")
    print(f"{agree} agree, {disagree} disagree")
    if disagree:
        sys.exit(1)


def main():
    if "--efg-fixture" in sys.argv:
        efg_fixture(sys.argv[sys.argv.index("--efg-fixture") + 1])
        return
    if "--check-efg" in sys.argv:
        check_efg()
        return
    if "--types-fixture" in sys.argv:
        types_fixture(sys.argv[sys.argv.index("--types-fixture") + 1])
        return
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
