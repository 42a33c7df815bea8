//! The built site directory: finds the WASM bundle, fingerprints the shell assets, and
//! renders the service worker with its version and precache list.
//!
//! The bundle is content-addressed by the build (`pkg/monalisa-<hash>.js` and
//! `pkg/monalisa-<hash>_bg.wasm`), so it can be cached forever; the other shell files carry
//! `?v=<assets hash>`. The assets hash covers every file of the site, so any change makes a
//! new service-worker version, which re-downloads the shell and drops the old caches.

use monalisa_app::env::BuildInfo;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum AssetsError {
    #[error("cannot read the site directory {0}: {1} (run `make build` first)")]
    Io(PathBuf, std::io::Error),
    #[error("no WASM bundle in {0}/pkg (expected monalisa-<hash>.js and its _bg.wasm; run `make build`)")]
    NoBundle(PathBuf),
    #[error("several WASM bundles in {0}/pkg; keep only one")]
    SeveralBundles(PathBuf),
    #[error("the service worker template {0} is missing its placeholders")]
    Template(PathBuf),
}

#[derive(Clone, Debug)]
pub struct Site {
    pub root: PathBuf,
    /// File stem of the bundle in `pkg/` (e.g. `monalisa-3f2a9c01d4`).
    pub output_name: String,
    pub build: BuildInfo,
    /// The service worker, rendered once at start.
    pub service_worker: String,
}

/// FNV-1a, 64 bits: a fingerprint to detect changes, not a security measure.
fn fnv1a(hash: &mut u64, bytes: &[u8]) {
    for b in bytes {
        *hash ^= u64::from(*b);
        *hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
}

fn files_under(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files_under(root, &path, out)?;
        } else {
            out.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
    Ok(())
}

impl Site {
    pub fn load(root: &Path) -> Result<Site, AssetsError> {
        let io = |e| AssetsError::Io(root.to_path_buf(), e);
        let mut files = Vec::new();
        files_under(root, root, &mut files).map_err(io)?;
        files.sort();

        let bundles: Vec<String> = files
            .iter()
            .filter(|p| p.parent() == Some(Path::new("pkg")))
            .filter_map(|p| p.file_name()?.to_str()?.strip_suffix(".js").map(str::to_owned))
            .filter(|stem| {
                stem.starts_with("monalisa") && files.contains(&PathBuf::from(format!("pkg/{stem}_bg.wasm")))
            })
            .collect();
        let output_name = match bundles.as_slice() {
            [] => return Err(AssetsError::NoBundle(root.to_path_buf())),
            [one] => one.clone(),
            _ => return Err(AssetsError::SeveralBundles(root.to_path_buf())),
        };

        let mut hash = 0xcbf2_9ce4_8422_2325u64;
        for f in &files {
            fnv1a(&mut hash, f.to_string_lossy().as_bytes());
            fnv1a(&mut hash, &std::fs::read(root.join(f)).map_err(io)?);
        }
        let build = BuildInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            assets: format!("{hash:016x}")[..12].to_owned(),
        };

        let mut precache = vec![
            "/".to_owned(),
            format!("/pkg/{output_name}.js"),
            format!("/pkg/{output_name}_bg.wasm"),
            format!("/style.css?v={}", build.assets),
            format!("/boot.js?v={}", build.assets),
            format!("/vault.js?v={}", build.assets),
            "/manifest.webmanifest".to_owned(),
        ];
        precache.extend(files.iter().filter(|p| p.starts_with("icons")).map(|p| format!("/{}", p.to_string_lossy())));

        let template_path = root.join("sw.js");
        let template = std::fs::read_to_string(&template_path).map_err(io)?;
        if !template.contains("__MONALISA_VERSION__") || !template.contains("__MONALISA_PRECACHE__") {
            return Err(AssetsError::Template(template_path));
        }
        let list = serde_json::to_string(&precache).unwrap_or_else(|_| "[]".to_owned());
        let service_worker = template
            .replace("\"__MONALISA_VERSION__\"", &format!("\"{}\"", build.label()))
            .replace("\"__MONALISA_PRECACHE__\"", &list)
            .replace("\"__MONALISA_PROTOCOL__\"", &monalisa_app::sync::PROTOCOL_VERSION.to_string());
        Ok(Site { root: root.to_path_buf(), output_name, build, service_worker })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(dir: &Path, css: &str) {
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::create_dir_all(dir.join("icons")).unwrap();
        std::fs::write(dir.join("pkg/monalisa-abc.js"), "js").unwrap();
        std::fs::write(dir.join("pkg/monalisa-abc_bg.wasm"), "wasm").unwrap();
        std::fs::write(dir.join("icons/icon-192.png"), "png").unwrap();
        std::fs::write(dir.join("style.css"), css).unwrap();
        std::fs::write(
            dir.join("sw.js"),
            "const VERSION = \"__MONALISA_VERSION__\"; const PRECACHE = \"__MONALISA_PRECACHE__\";",
        )
        .unwrap();
    }

    #[test]
    fn finds_the_bundle_and_versions_the_worker() {
        let dir = tempfile::tempdir().unwrap();
        site(dir.path(), "a{}");
        let s = Site::load(dir.path()).unwrap();
        assert_eq!(s.output_name, "monalisa-abc");
        assert!(s.service_worker.contains(&format!("\"{}\"", s.build.label())));
        assert!(s.service_worker.contains("\"/pkg/monalisa-abc_bg.wasm\""));
        assert!(s.service_worker.contains("\"/icons/icon-192.png\""));
        assert!(!s.service_worker.contains("__MONALISA"));

        // Any change to a shell file changes the version.
        let other = tempfile::tempdir().unwrap();
        site(other.path(), "a{color:red}");
        assert_ne!(Site::load(other.path()).unwrap().build.assets, s.build.assets);
    }

    #[test]
    fn clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(Site::load(&dir.path().join("missing")), Err(AssetsError::Io(..))));
        site(dir.path(), "");
        std::fs::write(dir.path().join("pkg/monalisa-def.js"), "").unwrap();
        std::fs::write(dir.path().join("pkg/monalisa-def_bg.wasm"), "").unwrap();
        assert!(matches!(Site::load(dir.path()), Err(AssetsError::SeveralBundles(_))));
    }
}
