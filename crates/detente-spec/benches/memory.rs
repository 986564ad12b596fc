//! Memory and time of checking hostile or very large inputs: the peak of live heap
//! bytes and the bytes allocated in all, counted by a global allocator (figures that do
//! not depend on the machine), and the wall time (which does).
//!
//! Run with `cargo bench -p detente-spec --bench memory`. docs/diagnostics.md records
//! the figures and the machine they were measured on.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use detente_spec::diagnostic::{render, Style};
use detente_spec::{check, SourceFile};

#[path = "../tests/common/generate.rs"]
mod generate;

/// Counts live and total heap bytes, and remembers the peak of live bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        System.dealloc(p, layout);
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = System.realloc(p, layout, new_size);
        if !q.is_null() {
            LIVE.fetch_sub(layout.size(), Relaxed);
            grow(new_size);
        }
        q
    }
}

fn grow(size: usize) {
    let live = LIVE.fetch_add(size, Relaxed) + size;
    TOTAL.fetch_add(size, Relaxed);
    PEAK.fetch_max(live, Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// Checks `text` and renders its diagnostics as `detente check` does, reporting the
/// heap used beyond the input itself.
fn measure(name: &str, text: String) {
    let input = text.len();
    let file = SourceFile::new(format!("{name}.toml"), text);
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let total_before = TOTAL.load(Relaxed);
    let start = Instant::now();
    let checked = check(&file);
    let rendered = render(&checked.diagnostics, &file, Style::Plain);
    let elapsed = start.elapsed();
    let peak = PEAK.load(Relaxed) - base;
    let total = TOTAL.load(Relaxed) - total_before;
    println!(
        "{name:<32} input {:>7.1} MB  peak {:>8.1} MB ({:>4.1}x input)  allocated {:>8.1} MB  \
         {:>7} diagnostics, {:>6.1} MB rendered  {:>6.2} s",
        mb(input),
        mb(peak),
        peak as f64 / input as f64,
        mb(total),
        checked.diagnostics.len(),
        mb(rendered.len()),
        elapsed.as_secs_f64()
    );
}

/// The same figures for a step alone (the TOML syntax tree, the decoder), to see where
/// memory goes.
fn measure_step<T>(name: &str, input: usize, step: impl FnOnce() -> T) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let start = Instant::now();
    let kept = step();
    let elapsed = start.elapsed();
    let peak = PEAK.load(Relaxed) - base;
    drop(kept);
    println!(
        "  {name:<30} peak {:>8.1} MB ({:>4.1}x input)  {:>6.2} s",
        mb(peak),
        peak as f64 / input as f64,
        elapsed.as_secs_f64()
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too, quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let scale = if quick { 100 } else { 1 };
    for (name, text) in [
        ("junk tables (10 MB)", generate::junk_tables(10_000_000 / scale)),
        ("200,000 commitments", generate::agreement(2_000 / scale, 100)),
    ] {
        measure(name, text.clone());
        measure_step("toml_edit syntax tree alone", text.len(), || toml_edit::Document::parse(text.as_str()));
        measure_step("decoding alone", text.len(), || detente_spec::decode::decode(&text));
        // The `toml` crate's spanned tree, for comparison: no lighter.
        measure_step("toml DeTable alone", text.len(), || toml::de::DeTable::parse(text.as_str()));
    }
    measure("100,000-term `and` condition", generate::long_condition(100_000 / scale, "and"));
    measure("100,000-term `or` condition", generate::long_condition(100_000 / scale, "or"));
}
