//! Resource limits: large inputs finish, with memory in proportion to what is kept.
//! (Speed is measured by the benches in `benches/`, not here.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use detente_engine::log::{load_from, Format};
use detente_engine::Agreement;
use detente_spec::{check, starter, SourceFile};

/// Counts the bytes allocated now and at the peak.
struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A log read from a stream holds its accepted events, not its text: with sources of
/// typical length, the peak stays under twice the size of the log.
#[test]
fn a_streamed_log_costs_less_than_twice_its_size() {
    let agreement = Agreement::compile(&check(&SourceFile::new("s.toml", starter("starter"))).spec).unwrap();
    let line = r#"{"date": "2025-01-02", "actor": "inspectorate", "kind": "measured", "subject": "enriched-uranium", "value": 118, "source": "IAEA report GOV/2025/1, paragraph 12: the stockpile measured at the plant during the monthly inspection"}"#;
    let lines = 100_000;
    let size = (line.len() + 1) * lines;
    // A reader that makes the lines as they are read, so the text is never in memory.
    let reader = Lines { line: format!("{line}\n").into_bytes(), left: lines, at: 0 };
    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let log = load_from(reader, Format::JsonLines, &agreement, false).unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert_eq!(log.events.len(), lines);
    assert!(peak < 2 * size, "peak {peak} bytes for a {size}-byte log");
}

use std::io::Read;

struct Lines {
    line: Vec<u8>,
    left: usize,
    at: usize,
}

impl Read for Lines {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut written = 0;
        while written < buf.len() && self.left > 0 {
            let n = (self.line.len() - self.at).min(buf.len() - written);
            buf[written..written + n].copy_from_slice(&self.line[self.at..self.at + n]);
            written += n;
            self.at += n;
            if self.at == self.line.len() {
                self.at = 0;
                self.left -= 1;
            }
        }
        Ok(written)
    }
}
