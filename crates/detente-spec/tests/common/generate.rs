//! Generated specifications for the limits tests (`tests/limits.rs`) and the benches
//! (`benches/check.rs`, `benches/memory.rs`): large valid agreements, long conditions and
//! files of junk, each a function of its size.

#![allow(dead_code)]

use std::fmt::Write;

/// A valid agreement with `phases * per_phase` commitments: in each phase, verified
/// measures by one side, concessions relieving instruments by the other, and a mutual
/// step; phases chained in order; one snap-back.
pub fn agreement(phases: usize, per_phase: usize) -> String {
    let mut out = String::from(
        "[agreement]\nid = \"big\"\ntitle = \"Generated\"\nadopted = 2020-01-01\n\n\
         [[party]]\nid = \"giver\"\nname = \"Giver\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"taker\"\nname = \"Taker\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"inspectorate\"\nname = \"Inspectorate\"\nrole = \"verifier\"\n\n\
         [[quantity]]\nid = \"stock\"\nname = \"Stockpile\"\nunit = \"kg\"\ninitial = 100\nas_of = 2019-01-01\nsource = \"generated\"\n\n\
         [[facility]]\nid = \"plant\"\nname = \"Plant\"\nstatus = \"operating\"\nproduces = [{ quantity = \"stock\", per_year = 10 }]\nsource = \"generated\"\n",
    );
    for phase in 0..phases {
        let _ = write!(out, "\n[[phase]]\nid = \"phase-{phase}\"\ntitle = \"Phase {phase}\"\n");
        if phase > 0 {
            let _ = writeln!(out, "after = [\"phase-{}\"]", phase - 1);
        }
        for n in 0..per_phase {
            let id = format!("c-{phase}-{n}");
            match n % 3 {
                0 => {
                    let _ = write!(
                        out,
                        "\n[[commitment]]\nid = \"{id}\"\ntitle = \"Measure {id}\"\nphase = \"phase-{phase}\"\nby = [\"taker\"]\n\
                         kind = \"continuing\"\ncategory = \"measure\"\ndue = \"30 days\"\non_timeout = \"violated\"\n\
                         limits = [{{ quantity = \"stock\", max = 100, unit = \"kg\" }}]\n\
                         verification = {{ by = \"inspectorate\", method = \"inspection\", detection = 0.9, every = \"1 month\" }}\n\
                         values = {{ cost = 1, benefit = {{ giver = 2 }} }}\n"
                    );
                }
                1 => {
                    let _ = write!(
                        out,
                        "\n[[instrument]]\nid = \"i-{id}\"\nname = \"Sanction {id}\"\nkind = \"sanction\"\nimposed_by = [\"giver\"]\n\
                         targets = [\"taker\"]\nsince = 2019-06-01\nweight = 10\nsource = \"generated\"\n\
                         \n[[commitment]]\nid = \"{id}\"\ntitle = \"Relief {id}\"\nphase = \"phase-{phase}\"\nby = [\"giver\"]\n\
                         kind = \"action\"\ncategory = \"concession\"\ndue = \"90 days\"\non_timeout = \"extended by 30 days\"\n\
                         when = \"verified(c-{phase}-{}) and not alleged(any of taker)\"\nrelieves = [\"i-{id}\"]\n",
                        n - 1
                    );
                }
                _ => {
                    let _ = write!(
                        out,
                        "\n[[commitment]]\nid = \"{id}\"\ntitle = \"Mutual {id}\"\nphase = \"phase-{phase}\"\nby = [\"giver\", \"taker\"]\n\
                         kind = \"action\"\ncategory = \"mutual\"\ndue = \"6 months\"\non_timeout = \"discharged\"\n"
                    );
                }
            }
        }
    }
    out.push_str(
        "\n[[power]]\nid = \"snapback\"\ntitle = \"Snap-back\"\nkind = \"snapback\"\nholders = [\"giver\"]\n\
         trigger = \"violated(any of taker)\"\nnotice = \"30 days\"\ncancellable = true\nrestores = \"all\"\n",
    );
    out
}

/// A small valid agreement whose one concession's `when` joins `terms` references with
/// `op` (`"and"` or `"or"`), each naming the verified measure.
pub fn long_condition(terms: usize, op: &str) -> String {
    let mut when = String::with_capacity(terms * 24);
    for i in 0..terms {
        if i > 0 {
            let _ = write!(when, " {op} ");
        }
        when.push_str("verified(freeze)");
    }
    format!(
        "[agreement]\nid = \"long\"\ntitle = \"A long condition\"\nadopted = 2020-01-01\n\n\
         [[party]]\nid = \"alpha\"\nname = \"Alpha\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"beta\"\nname = \"Beta\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"inspectorate\"\nname = \"Inspectorate\"\nrole = \"verifier\"\n\n\
         [[instrument]]\nid = \"sanctions\"\nname = \"Sanctions\"\nkind = \"sanction\"\nimposed_by = [\"alpha\"]\n\
         targets = [\"beta\"]\nsince = 2019-01-01\nsource = \"generated\"\n\n\
         [[phase]]\nid = \"first\"\ntitle = \"First\"\n\n\
         [[commitment]]\nid = \"freeze\"\ntitle = \"Beta freezes\"\nphase = \"first\"\nby = [\"beta\"]\n\
         kind = \"continuing\"\ncategory = \"measure\"\n\
         verification = {{ by = \"inspectorate\", method = \"inspection\", detection = 0.9 }}\n\n\
         [[commitment]]\nid = \"relief\"\ntitle = \"Alpha lifts sanctions\"\nphase = \"first\"\nby = [\"alpha\"]\n\
         kind = \"action\"\ncategory = \"concession\"\ndue = \"30 days\"\non_timeout = \"violated\"\n\
         relieves = [\"sanctions\"]\nwhen = \"{when}\"\n"
    )
}

/// An agreement table followed by `[junk-N]` tables with one key each, until the file
/// is at least `bytes` long: every table is an unknown key (E004).
pub fn junk_tables(bytes: usize) -> String {
    let mut out = String::from("[agreement]\nid = \"junk\"\ntitle = \"Junk\"\nadopted = 2020-01-01\n");
    let mut n = 0;
    while out.len() < bytes {
        let _ = write!(out, "[junk{n}]\nkey = {n}\n");
        n += 1;
    }
    out
}
