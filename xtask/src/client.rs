//! Building the wasm client into `target/site`: two bundles (public and staff islands), each
//! cargo (wasm32), wasm-bindgen and wasm-opt, then the static files from `public/`. The
//! client files are also published under a name carrying their content hash, with brotli and
//! gzip copies beside them, so that the server can let browsers keep them for a year and send
//! them compressed without work.

use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use crate::sh::{self, Result};
use crate::toolchain::Tools;

/// The public bundle's name; must match `LEPTOS_OUTPUT_NAME` in `.cargo/config.toml`.
pub const OUTPUT_NAME: &str = "siar";

/// The client's bundles: the public one (the public, volunteer, partner and entrant pages'
/// islands) and the staff one (every island), each with the features it is built with.
const BUNDLES: [(&str, &str); 2] = [
    (OUTPUT_NAME, "hydrate"),
    ("siar-staff", "hydrate,staff-islands"),
];

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Builds both bundles, publishes them and copies the static files.
pub fn build(tools: &Tools) -> Result<()> {
    let root = sh::root();
    let pkg = sh::site_root().join("pkg");
    std::fs::create_dir_all(&pkg).map_err(|e| format!("cannot create {}: {e}", pkg.display()))?;
    let mut published = Vec::new();
    for (name, features) in BUNDLES {
        build_bundle(tools, &pkg, name, features)?;
        published.push(publish_hashed(&pkg, name)?);
        let size = std::fs::metadata(pkg.join(format!("{name}.wasm")))
            .map(|m| m.len())
            .unwrap_or(0);
        eprintln!("client bundle {name}: {size} bytes of wasm");
    }
    // Last, so that a server never reads a name whose files are not all there.
    write(&pkg.join(CURRENT), published.join("\n").as_bytes())?;
    copy_dir(&root.join("public"), &sh::site_root())?;
    eprintln!("client published as {} (+ .br, .gz)", published.join(", "));
    Ok(())
}

/// Builds one bundle into `pkg/<name>.{js,wasm}`: cargo (wasm32, `features`), wasm-bindgen and
/// wasm-opt, the last two skipped when the wasm did not change.
fn build_bundle(tools: &Tools, pkg: &Path, name: &str, features: &str) -> Result<()> {
    let root = sh::root();
    let mut cargo = Command::new(&tools.wasm_cargo);
    cargo
        .current_dir(&root)
        .envs(tools.wasm_env.iter().map(|(k, v)| (k, v)))
        // The outer rustup cargo's variables would point the Debian cargo at the wrong rustc.
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .args([
            "build",
            "-p",
            "frontend",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .args([
            "--no-default-features",
            "--features",
            features,
            "--profile",
            "wasm-release",
        ]);
    if tools.build_std {
        cargo.args(["-Z", "build-std=std,panic_abort"]);
    }
    sh::run(&mut cargo)?;

    // Both builds leave their wasm here; each is a link to that build's own artifact, so its
    // time is the time that build last changed.
    let wasm = sh::target_dir().join("wasm32-unknown-unknown/wasm-release/frontend.wasm");
    let served = pkg.join(format!("{name}.wasm"));
    let fresh =
        matches!((modified(&served), modified(&wasm)), (Some(out), Some(input)) if out > input);
    if fresh {
        return Ok(());
    }
    sh::run(
        Command::new("wasm-bindgen")
            .args(["--target", "web", "--out-name", name, "--out-dir"])
            .arg(pkg)
            .arg(&wasm),
    )?;
    let bound = pkg.join(format!("{name}_bg.wasm"));
    std::fs::rename(&bound, &served)
        .map_err(|e| format!("cannot rename {}: {e}", bound.display()))?;
    sh::run(
        Command::new("wasm-opt")
            .args([
                "-Oz",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
            ])
            .arg(&served)
            .arg("-o")
            .arg(&served),
    )
}

/// The file in `pkg/` that names the current hashed bundles, the public one first; the
/// server reads it at start-up.
const CURRENT: &str = "current";

/// Whether `file` is one of bundle `name`'s hashed files (`siar-0a1b.wasm.br` of `siar`, but
/// not `siar-staff-0a1b.js`).
fn is_hashed_file_of(file: &str, name: &str) -> bool {
    file.strip_prefix(name)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(hash, _)| !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Copies `<name>.js` and `<name>.wasm` to `<name>-<hash>.js` and `.wasm` (one hash over
/// both, as the script loads that very wasm), writes their `.br` and `.gz` copies and removes
/// the bundle's earlier hashed files. Returns the hashed name.
fn publish_hashed(pkg: &Path, name: &str) -> Result<String> {
    use sha2::{Digest, Sha256};
    let read = |file: String| {
        let path = pkg.join(&file);
        std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let js = read(format!("{name}.js"))?;
    let wasm = read(format!("{name}.wasm"))?;
    let digest = Sha256::new()
        .chain_update(&js)
        .chain_update(&wasm)
        .finalize();
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let hashed = format!("{name}-{hash}");
    if pkg.join(format!("{hashed}.wasm.gz")).exists() {
        return Ok(hashed);
    }
    for entry in std::fs::read_dir(pkg).map_err(|e| e.to_string())?.flatten() {
        if is_hashed_file_of(&entry.file_name().to_string_lossy(), name) {
            std::fs::remove_file(entry.path()).map_err(|e| e.to_string())?;
        }
    }
    for (extension, bytes) in [("js", &js), ("wasm", &wasm)] {
        let file = pkg.join(format!("{hashed}.{extension}"));
        write(&file, bytes)?;
        write(
            &file.with_extension(format!("{extension}.br")),
            &brotli(bytes)?,
        )?;
        write(
            &file.with_extension(format!("{extension}.gz")),
            &gzip(bytes)?,
        )?;
    }
    Ok(hashed)
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|e| e.to_string())?;
    Ok(out)
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    encoder.finish().map_err(|e| e.to_string())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| e.to_string())?;
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(|e| format!("cannot copy to {}: {e}", target.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_hashed_file_of;

    #[test]
    fn a_bundle_s_hashed_files_are_its_own() {
        assert!(is_hashed_file_of("siar-0a1b.js", "siar"));
        assert!(is_hashed_file_of("siar-0a1b.wasm.br", "siar"));
        assert!(!is_hashed_file_of("siar-staff-0a1b.js", "siar"));
        assert!(is_hashed_file_of("siar-staff-0a1b.js", "siar-staff"));
        assert!(!is_hashed_file_of("siar.js", "siar"));
        assert!(!is_hashed_file_of("current", "siar"));
    }
}
