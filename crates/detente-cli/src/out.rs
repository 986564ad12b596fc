//! Writing outputs so that they are whole or absent, never half or mixed.
//!
//! An output directory (`--out DIR`) is written into a temporary directory beside it and
//! renamed into place only when everything is written: an interrupted run leaves `DIR`
//! as it was. While a run writes, it holds an exclusive lock (an OS file lock on
//! `.DIR.detente-lock` beside it, released even if the process dies), so a second run
//! into the same directory fails at once instead of mixing its files with the first's.
//!
//! The rule for an existing `DIR`: an empty directory, or one detente wrote (it carries
//! the marker file [`MARKER`]), is replaced whole, including anything added to it since;
//! any other non-empty directory, or a file, is refused. So no stale chart of another
//! agreement can survive beside a new summary.
//!
//! Single files (`schema --out`, `analyze --efg`, shard files, `init`) are written to a
//! temporary file in the same directory and renamed over the target.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file that marks a directory as detente's output.
pub const MARKER: &str = ".detente-output";

/// An output directory being written: write into [`Output::dir`], then [`Output::commit`].
/// Dropped without a commit, it removes what it wrote and leaves the target as it was.
pub struct Output {
    target: PathBuf,
    temporary: PathBuf,
    lock_path: PathBuf,
    lock: Option<File>,
    committed: bool,
}

/// `.NAME.detente-SUFFIX` beside `target`.
fn beside(target: &Path, suffix: &str) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    target.with_file_name(format!(".{name}.detente-{suffix}"))
}

/// What is at `target` now, and whether it may be replaced.
fn replaceable(target: &Path) -> Result<bool, String> {
    let shown = target.display();
    let meta = match std::fs::symlink_metadata(target) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(format!("cannot read {shown}: {e}")),
    };
    if meta.file_type().is_symlink() {
        return Err(format!("{shown} is a symbolic link; give the directory it points to, or another name"));
    }
    if !meta.is_dir() {
        return Err(format!("{shown} exists and is not a directory; choose another --out"));
    }
    let mut entries = std::fs::read_dir(target).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let empty = entries.next().is_none();
    if !empty && !target.join(MARKER).is_file() {
        return Err(format!(
            "{shown} is not empty and was not written by detente, so it is left alone; \
             choose a new or empty directory (a directory detente wrote is replaced whole)"
        ));
    }
    Ok(true)
}

impl Output {
    /// Starts writing the output directory `target` for `command`: takes the lock,
    /// checks that `target` may be replaced, clears what interrupted runs left, and
    /// creates the temporary directory.
    pub fn begin(target: &Path, command: &str) -> Result<Output, String> {
        if target.file_name().is_none() {
            return Err(format!("--out {}: name a directory", target.display()));
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        let lock_path = beside(target, "lock");
        let lock = take_lock(&lock_path, target)?;
        let mut output = Output {
            target: target.to_path_buf(),
            temporary: beside(target, &format!("tmp-{}", std::process::id())),
            lock_path,
            lock: Some(lock),
            committed: false,
        };
        replaceable(target)?;
        // Under the lock, any temporary or old directory of this target is left over
        // from a run that was killed: remove it.
        output.clear_leftovers(&parent);
        std::fs::create_dir(&output.temporary)
            .map_err(|e| format!("cannot create {}: {e}", output.temporary.display()))?;
        let marker = serde_json::json!({
            "written_by": "detente",
            "version": env!("CARGO_PKG_VERSION"),
            "command": command,
        });
        output.write(MARKER, format!("{marker}\n").as_bytes())?;
        Ok(output)
    }

    fn clear_leftovers(&mut self, parent: &Path) {
        let name = self.target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let prefixes = [format!(".{name}.detente-tmp-"), format!(".{name}.detente-old-")];
        let Ok(entries) = std::fs::read_dir(parent) else { return };
        for entry in entries.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            if prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }

    /// The directory to write into.
    pub fn dir(&self) -> &Path {
        &self.temporary
    }

    /// Writes one file into the output.
    pub fn write(&self, name: &str, contents: &[u8]) -> Result<(), String> {
        let path = self.temporary.join(name);
        std::fs::write(&path, contents).map_err(|e| format!("cannot write {}: {e}", self.shown(&path)))
    }

    /// A path inside the temporary directory, as it will be named in the target.
    fn shown(&self, path: &Path) -> String {
        match path.strip_prefix(&self.temporary) {
            Ok(rest) => self.target.join(rest).display().to_string(),
            Err(_) => path.display().to_string(),
        }
    }

    /// Puts the finished output in place of the target (replacing a previous output
    /// whole) and releases the lock.
    pub fn commit(mut self) -> Result<(), String> {
        let shown = self.target.display().to_string();
        sync_dir(&self.temporary);
        if replaceable(&self.target)? {
            let old = beside(&self.target, &format!("old-{}", std::process::id()));
            std::fs::rename(&self.target, &old).map_err(|e| format!("cannot replace {shown}: {e}"))?;
            if let Err(e) = std::fs::rename(&self.temporary, &self.target) {
                // Put the previous output back rather than leave nothing.
                let _ = std::fs::rename(&old, &self.target);
                return Err(format!("cannot write {shown}: {e}"));
            }
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&self.temporary, &self.target)
                .map_err(|e| format!("cannot write {shown}: {e}"))?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temporary);
        }
        // Remove the lock file while still holding the lock; a run that opened it before
        // the removal sees that its lock file is gone and tries again (see take_lock).
        let _ = std::fs::remove_file(&self.lock_path);
        drop(self.lock.take());
    }
}

/// Takes the exclusive lock on `path` (for `target`), or says who holds it.
fn take_lock(path: &Path, target: &Path) -> Result<File, String> {
    for _ in 0..10 {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| format!("cannot create the lock file {}: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(format!(
                    "another detente run is writing {} (it holds {}); wait for it to finish, or choose another --out",
                    target.display(),
                    path.display()
                ))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(format!("cannot lock {}: {e}", path.display()))
            }
        }
        if same_file(&file, path) {
            let mut file = file;
            let _ = file.set_len(0);
            let _ = writeln!(file, "{}", std::process::id());
            return Ok(file);
        }
        // The holder removed the file between our open and our lock: take the new one.
    }
    Err(format!("cannot lock {}: it keeps changing", path.display()))
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// Flushes a directory's entries to disk where the platform allows (best effort: the
/// rename that follows is what makes the output appear whole).
fn sync_dir(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if let Ok(file) = File::open(entry.path()) {
                let _ = file.sync_all();
            }
        }
    }
}

/// Writes one file whole: into a temporary file beside it, then renamed over it.
pub fn write_file_atomic(path: &Path, contents: &[u8]) -> Result<(), String> {
    let shown = path.display();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let temporary = beside(path, &format!("tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = File::create(&temporary)?;
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temporary);
        return Err(format!("cannot write {shown}: {e}"));
    }
    Ok(())
}
