//! `codemode.fs`: read, write and list files inside allowed folders, as text or as
//! bytes.
//!
//! Every access goes through a capability-based directory handle (`cap-std`), so
//! `..`, absolute paths and symlinks cannot lead out of an allowed folder, including a
//! symlink swapped in after a check.

use crate::limits::ByteSize;
use crate::value::Bytes;
use crate::ToolError;
use cap_std::ambient_authority;
use cap_std::fs::{Dir, OpenOptions};
use schemars::JsonSchema;
use serde::Serialize;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Largest file `fs.read` and `fs.readBytes` return and `fs.write` and `fs.writeBytes`
/// accept, by default: 1 MiB.
const DEFAULT_MAX_BYTES: u64 = 1024 * 1024;

/// Reads and writes files inside allowed folders: `codemode.fs.read` and
/// `codemode.fs.write` for text, `codemode.fs.readBytes` and `codemode.fs.writeBytes`
/// for bytes (a `Uint8Array`), and `codemode.fs.list`. Relative paths resolve against
/// the working directory.
///
/// ```
/// let fs = codemode::FsCapability::new(["./examples"]).with_max_bytes(64 * 1024);
/// # let _ = fs;
/// ```
///
/// # Refusals
///
/// Each refusal rejects the call with a message that names the method and the path
/// (`fs.read: ...`), which the program may catch:
///
/// - a path outside every allowed folder, also one that climbs out with `..` or
///   through a symbolic link, whatever exists on the way;
/// - a file larger than the size bound (1 MiB unless
///   [`with_max_bytes`](Self::with_max_bytes) says otherwise), before it is read or
///   written;
/// - reading something that is not a regular UTF-8 text file (a folder, a FIFO, a
///   device, binary data), or writing over something that is not a regular file;
/// - an empty path or one holding a NUL byte.
///
/// With no allowed folder every call is refused, and the model is told so.
#[derive(Debug, Clone)]
pub struct FsCapability {
    roots: Arc<Vec<Root>>,
    max_bytes: u64,
}

#[derive(Debug)]
struct Root {
    /// As the user gave it, for messages.
    given: String,
    /// Absolute and lexically normalized.
    absolute: PathBuf,
}

/// One entry of `fs.list`.
#[derive(Debug, Serialize, JsonSchema)]
struct Entry {
    /// The entry's name inside the listed folder.
    name: String,
    /// `file`, `dir`, `symlink` or `other`.
    kind: &'static str,
    /// Size in bytes (files only).
    size: Option<u64>,
}

/// What `fs.write` did.
#[derive(Debug, Serialize, JsonSchema)]
struct Written {
    /// The path as given.
    path: String,
    /// Bytes written.
    bytes: u64,
}

impl FsCapability {
    /// A capability for the folders in `allowed_paths` (relative ones resolve against the
    /// working directory now). A folder that does not exist fails the calls that need it.
    pub fn new(allowed_paths: impl IntoIterator<Item = impl AsRef<Path>>) -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        let roots = allowed_paths
            .into_iter()
            .map(|path| {
                let path = path.as_ref();
                Root {
                    given: path.display().to_string(),
                    absolute: normalize(&cwd.join(path)),
                }
            })
            .collect();
        Self {
            roots: Arc::new(roots),
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }

    /// Sets the largest file read or written, in bytes.
    pub fn with_max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = bytes;
        self
    }

    fn allowed_list(&self) -> String {
        self.roots
            .iter()
            .map(|root| root.given.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The allowed folder containing `path` and the path inside it.
    fn locate(&self, method: &str, path: &str) -> Result<(Dir, PathBuf), ToolError> {
        if path.contains('\0') {
            return Err(ToolError::new(format!(
                "fs.{method}: the path contains a NUL byte"
            )));
        }
        if path.is_empty() {
            return Err(ToolError::new(format!("fs.{method}: the path is empty")));
        }
        let cwd = std::env::current_dir().map_err(|error| {
            ToolError::new(format!("fs.{method}: no working directory: {error}"))
        })?;
        let requested = cwd.join(path);
        for root in self.roots.iter() {
            let Ok(inside) = requested.strip_prefix(&root.absolute) else {
                continue;
            };
            if climbs_out(inside) {
                continue;
            }
            let dir =
                Dir::open_ambient_dir(&root.absolute, ambient_authority()).map_err(|error| {
                    ToolError::new(format!(
                        "fs.{method}: the allowed folder `{}` cannot be opened: {error}",
                        root.given
                    ))
                })?;
            let inside = if inside.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                inside.to_path_buf()
            };
            return Ok((dir, inside));
        }
        Err(self.outside(method, path))
    }

    fn outside(&self, method: &str, path: &str) -> ToolError {
        ToolError::new(format!(
            "fs.{method}: `{path}` is outside the allowed folders ({})",
            self.allowed_list()
        ))
    }

    /// Turns an I/O error into a message; escapes are reported as such.
    fn io_error(&self, method: &str, path: &str, error: io::Error) -> ToolError {
        if is_escape(&error) {
            return self.outside(method, path);
        }
        match error.kind() {
            io::ErrorKind::NotFound => {
                ToolError::new(format!("fs.{method}: `{path}` does not exist"))
            }
            _ => ToolError::new(format!("fs.{method}: `{path}`: {error}")),
        }
    }

    /// The bytes of the file at `path`, for `fs.{method}`.
    fn read_blocking(&self, method: &str, path: &str) -> Result<Vec<u8>, ToolError> {
        let (dir, inside) = self.locate(method, path)?;
        let file = dir
            .open_with(&inside, nonblocking(OpenOptions::new().read(true)))
            .map_err(|error| self.io_error(method, path, error))?;
        let metadata = file
            .metadata()
            .map_err(|error| self.io_error(method, path, error))?;
        if !metadata.is_file() {
            let what = if metadata.is_dir() {
                "a folder: use fs.list"
            } else {
                "not a regular file"
            };
            return Err(ToolError::new(format!("fs.{method}: `{path}` is {what}")));
        }
        if metadata.len() > self.max_bytes {
            return Err(self.too_large(method, path, metadata.len()));
        }
        let mut bytes = Vec::new();
        file.take(self.max_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|error| self.io_error(method, path, error))?;
        if bytes.len() as u64 > self.max_bytes {
            return Err(self.too_large(method, path, bytes.len() as u64));
        }
        Ok(bytes)
    }

    fn read_text_blocking(&self, path: &str) -> Result<String, ToolError> {
        String::from_utf8(self.read_blocking("read", path)?).map_err(|_| {
            ToolError::new(format!(
                "fs.read: `{path}` is not UTF-8 text; read it with fs.readBytes"
            ))
        })
    }

    fn too_large(&self, method: &str, path: &str, size: u64) -> ToolError {
        ToolError::new(format!(
            "fs.{method}: `{path}` is {}; the limit is {}",
            ByteSize::of(size),
            ByteSize::of(self.max_bytes)
        ))
    }

    /// Writes `content` to the file at `path`, for `fs.{method}`.
    fn write_blocking(
        &self,
        method: &str,
        path: &str,
        content: &[u8],
    ) -> Result<Written, ToolError> {
        if content.len() as u64 > self.max_bytes {
            return Err(self.too_large(method, path, content.len() as u64));
        }
        let (dir, inside) = self.locate(method, path)?;
        if let Ok(metadata) = dir.symlink_metadata(&inside) {
            if metadata.is_dir() {
                return Err(ToolError::new(format!("fs.{method}: `{path}` is a folder")));
            }
        }
        let mut file = dir
            .open_with(
                &inside,
                nonblocking(OpenOptions::new().write(true).create(true)),
            )
            .map_err(|error| self.io_error(method, path, error))?;
        let metadata = file
            .metadata()
            .map_err(|error| self.io_error(method, path, error))?;
        if !metadata.is_file() {
            return Err(ToolError::new(format!(
                "fs.{method}: `{path}` is not a regular file"
            )));
        }
        file.set_len(0)
            .map_err(|error| self.io_error(method, path, error))?;
        file.write_all(content)
            .map_err(|error| self.io_error(method, path, error))?;
        Ok(Written {
            path: path.to_owned(),
            bytes: content.len() as u64,
        })
    }

    fn list_blocking(&self, path: &str) -> Result<Vec<Entry>, ToolError> {
        let (dir, inside) = self.locate("list", path)?;
        let entries = dir
            .read_dir(&inside)
            .map_err(|error| self.io_error("list", path, error))?;
        let mut listed = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|error| self.io_error("list", path, error))?;
            let file_type = entry
                .file_type()
                .map_err(|error| self.io_error("list", path, error))?;
            let (kind, size) = if file_type.is_file() {
                ("file", entry.metadata().ok().map(|m| m.len()))
            } else if file_type.is_dir() {
                ("dir", None)
            } else if file_type.is_symlink() {
                ("symlink", None)
            } else {
                ("other", None)
            };
            listed.push(Entry {
                name: entry.file_name().to_string_lossy().into_owned(),
                kind,
                size,
            });
        }
        listed.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(listed)
    }

    async fn blocking<T: Send + 'static>(
        &self,
        method: &str,
        work: impl FnOnce(FsCapability) -> Result<T, ToolError> + Send + 'static,
    ) -> Result<T, ToolError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || work(this))
            .await
            .map_err(|error| {
                ToolError::new(format!("fs.{method}: the file operation failed: {error}"))
            })?
    }
}

/// Read and write files inside the allowed folders, as text or as bytes.
#[crate::capability(namespace = "fs")]
impl FsCapability {
    /// The folders this instance allows and the largest file, for the model.
    #[codemode(describe)]
    fn allowed(&self) -> String {
        if self.roots.is_empty() {
            return "No folder is allowed: every call fails.".to_owned();
        }
        let folders = self
            .roots
            .iter()
            .map(|root| format!("`{}`", root.given))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "Allowed folders: {folders} (relative paths start at the working directory). Files up to {}.",
            ByteSize(usize::try_from(self.max_bytes).unwrap_or(usize::MAX))
        )
    }

    /// Reads a UTF-8 text file.
    ///
    /// # Arguments
    ///
    /// * `path` - File path, relative to the working directory or absolute, inside an allowed folder.
    async fn read(&self, path: String) -> Result<String, ToolError> {
        self.blocking("read", move |fs| fs.read_text_blocking(&path))
            .await
    }

    /// Reads a file of any kind as bytes.
    ///
    /// # Arguments
    ///
    /// * `path` - File path, relative to the working directory or absolute, inside an allowed folder.
    #[codemode(name = "readBytes")]
    async fn read_bytes(&self, path: String) -> Result<Bytes, ToolError> {
        self.blocking("readBytes", move |fs| fs.read_blocking("readBytes", &path))
            .await
            .map(Bytes::from)
    }

    /// Writes a text file, creating or replacing it.
    ///
    /// # Arguments
    ///
    /// * `path` - File path inside an allowed folder; its folder must exist.
    /// * `content` - The text to write.
    async fn write(&self, path: String, content: String) -> Result<Written, ToolError> {
        self.blocking("write", move |fs| {
            fs.write_blocking("write", &path, content.as_bytes())
        })
        .await
    }

    /// Writes bytes to a file, creating or replacing it.
    ///
    /// # Arguments
    ///
    /// * `path` - File path inside an allowed folder; its folder must exist.
    /// * `data` - The bytes to write: a `Uint8Array` (any typed array, `ArrayBuffer` or `DataView` is accepted).
    #[codemode(name = "writeBytes")]
    async fn write_bytes(&self, path: String, data: Bytes) -> Result<Written, ToolError> {
        self.blocking("writeBytes", move |fs| {
            fs.write_blocking("writeBytes", &path, &data)
        })
        .await
    }

    /// Lists a folder's entries, sorted by name.
    ///
    /// # Arguments
    ///
    /// * `path` - Folder path inside an allowed folder.
    async fn list(&self, path: String) -> Result<Vec<Entry>, ToolError> {
        self.blocking("list", move |fs| fs.list_blocking(&path))
            .await
    }
}

/// Removes `.` and resolves `..` lexically in an absolute path (for the allowed folders
/// only; requested paths keep their `..`, which cap-std refuses when it escapes).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether `inside`, a path within an allowed folder, climbs out of it with `..`,
/// whatever exists on the way.
fn climbs_out(inside: &Path) -> bool {
    let mut depth = 0usize;
    for component in inside.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => match depth.checked_sub(1) {
                Some(up) => depth = up,
                None => return true,
            },
            Component::RootDir | Component::Prefix(_) => return true,
        }
    }
    false
}

/// Whether `error` is a refusal to follow a path out of its folder: by the kernel
/// (`EXDEV`, from `openat2` with `RESOLVE_BENEATH`), or by cap-std itself where it
/// resolves paths on its own, which it reports as permission denied without an
/// operating-system error code.
fn is_escape(error: &io::Error) -> bool {
    #[cfg(unix)]
    if error.raw_os_error() == Some(libc::EXDEV) {
        return true;
    }
    error.kind() == io::ErrorKind::PermissionDenied && error.raw_os_error().is_none()
}

/// Opening never waits: a FIFO or device swapped in after a check would otherwise block
/// the open until another process joins it. The file's type is checked once it is open.
fn nonblocking(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use cap_std::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options
}
