//! Any bytes sent as one client's stream to the server (hyper's HTTP/1 parser, the access
//! policy, the routes' extractors and handlers, over a database holding the example
//! corpus) give an HTTP answer or a closed connection, never a panic or a hang. Writes
//! need a random token, so the database stays as it was between runs.
#![no_main]
use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Fixture {
    runtime: tokio::runtime::Runtime,
    app: axum::Router,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("corroborate-fuzz-server-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let db = dir.join("fuzz.db");
        let mut store = corroborate_store::Store::open(&db).expect("a fresh database");
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/syria-2025-11");
        let read = corroborate_ingest::read_paths(&[seeds], &corroborate_ingest::Limits::default());
        store.add_articles(read.articles).expect("stored");
        store
            .refresh(|a| {
                corroborate_engine::run(a, &corroborate_engine::Config::default(), &|_| {})
                    .map(|a| a.dossier)
            })
            .expect("analysed");
        let token = format!("{:x}{:x}", std::process::id(), std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(1));
        let config = corroborate_server::ServerConfig {
            token: Some(token),
            header_timeout_secs: 1,
            body_timeout_secs: 1,
            ..Default::default()
        };
        let state = corroborate_server::AppState::open(&db, corroborate_engine::Config::default(), config)
            .expect("the state");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        Fixture { runtime, app: corroborate_server::router(state) }
    })
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let data = data.to_vec();
    f.runtime.block_on(async {
        let (mut client, server) = tokio::io::duplex(1 << 16);
        let peer = "127.0.0.1:40000".parse().expect("an address");
        let connection = corroborate_server::serve_connection(
            server,
            peer,
            f.app.clone(),
            Duration::from_secs(1),
            std::future::pending(),
        );
        let talk = async move {
            let _ = client.write_all(&data).await;
            let _ = client.shutdown().await;
            let mut answer = Vec::new();
            let _ = client.read_to_end(&mut answer).await;
        };
        let both = async { tokio::join!(connection, talk) };
        if tokio::time::timeout(Duration::from_secs(10), both).await.is_err() {
            panic!("the connection neither answered nor closed within 10 s");
        }
    });
});
