//! Test harness: the real router on a real port with a temporary SQLite database and a
//! temporary site directory (public/ plus a stand-in bundle, so these tests do not need the
//! WebAssembly build). Everything is removed on drop.

#![allow(dead_code)]

use monalisa_server::assets::Site;
use std::path::{Path, PathBuf};

pub struct TestApp {
    pub url: String,
    pub dir: tempfile::TempDir,
    pub store: std::sync::Arc<dyn monalisa_app::backend::Store>,
    pub client: reqwest::Client,
    task: tokio::task::JoinHandle<()>,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

/// A site directory like `make site` builds, with a stand-in bundle.
pub fn test_site(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../public"), &site);
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/monalisa-0123456789.js"), "export default function init() {}").unwrap();
    std::fs::write(site.join("pkg/monalisa-0123456789_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    site
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = monalisa_server::open_store(&url).await.unwrap();
        let site = Site::load(&test_site(dir.path())).unwrap();
        let app = monalisa_server::app(store.clone(), site);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        TestApp { url: format!("http://{addr}"), dir, store, client, task }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.url)).send().await.unwrap()
    }

    /// GET a page with a language chosen by the switch's cookie.
    pub async fn page(&self, path: &str, lang: &str) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
        let res = self
            .client
            .get(format!("{}{path}", self.url))
            .header("cookie", format!("lang={lang}"))
            .send()
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        (status, headers, res.text().await.unwrap())
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.task.abort();
    }
}
