//! The catalogue at programme scale: 100,000 entries, searched through the staff page's HTTP
//! API (p50/p95/max over 1,000 searches by model, SKU, certificate id and Chinese name), and
//! a 10,000-row store list checked by `import-skus`' code. On a new SQLite file, or on the
//! empty PostgreSQL database `CATALOG_BENCH_DB` names. Run both with
//! `scripts/bench-catalog.sh`; docs/catalog.md records the figures. A plain program, not a
//! test: no timing assert.

use std::time::{Duration, Instant};

use ailevel::catalog::check::Query;
use ailevel::catalog::import::{Index, check_csv};
use ailevel::catalog::store::Filter;
use ailevel::catalog::{Entry, NewEntry, Store, policy, web};

const ENTRIES: usize = 100_000;
const SEARCHES: usize = 1_000;
const CSV_ROWS: usize = 10_000;

fn entry(i: usize) -> NewEntry {
    let model = i / 3;
    NewEntry {
        entry: Entry {
            seq: 0,
            cert_id: format!("BENCH-{i:06}"),
            vendor: format!("Vendor {:02}", model % 50),
            model: format!("Model {model}"),
            firmware: format!("{}.0", i % 3 + 1),
            category: ["phone", "pc", "glasses", "tv"][model % 4].into(),
            level: Some(format!("L{}", 1 + model % 4)),
            provisional: model % 4 == 3,
            framework: "bench 1".into(),
            lab_accreditation: "CNAS L0000".into(),
            lab_name_zh: "实验室".into(),
            lab_name_en: "Lab".into(),
            signing_key_id: "sha256:00".into(),
            issued: format!("2026-0{}-1{}", 1 + i % 3, i % 10),
            valid_until: Some("2028-01-01".into()),
            name_zh: Some(format!("型号 {model} 手机")),
            name_en: None,
            skus: vec![format!("SKU-{model}-{}", i % 3)],
            results_sha256: format!("{i:064}"),
            added_at: "2026-06-01T00:00:00Z".into(),
            added_by: None,
            events: vec![],
        },
        envelope: "{}".into(),
        results: "{}".into(),
    }
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1)]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("CATALOG_BENCH_DB")
        .unwrap_or_else(|_| format!("sqlite:{}", dir.path().join("bench.db").display()));
    let mut store = Store::open(&url).unwrap();
    assert_eq!(store.count().unwrap(), 0, "{url} is not empty");
    println!("catalogue: {} ({})", store.shown(), store.backend());
    if store.backend() == "sqlite" {
        // Loading speed is not what is measured: no fsync per entry.
        store.exec("PRAGMA synchronous = OFF", &[]).unwrap();
    }
    let t = Instant::now();
    for i in 0..ENTRIES {
        store.add(&entry(i)).unwrap();
    }
    println!(
        "loaded {ENTRIES} entries in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    for i in (0..ENTRIES).step_by(97) {
        store
            .revoke(&format!("BENCH-{i:06}"), "2026-06-01", "bench", None)
            .unwrap();
    }
    if store.backend() == "postgres" {
        // What autovacuum does soon after a bulk load; without it the planner guesses.
        store.exec("ANALYZE", &[]).unwrap();
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy = policy::load(&root.join("catalog/example-policy.toml")).unwrap();

    let t = Instant::now();
    let index = Index::new(store.load(&Filter::All).unwrap());
    let loaded = t.elapsed();
    let mut csv = String::from("sku,vendor,model,firmware\n");
    for r in 0..CSV_ROWS {
        let m = (r * 7919) % (ENTRIES / 3);
        match r % 3 {
            0 => csv.push_str(&format!("SKU-{m}-1,,,2.0\n")),
            1 => csv.push_str(&format!(",Vendor {:02},Model {m},1.0\n", m % 50)),
            _ => csv.push_str(&format!(",,model  {m},9.9\n")),
        }
    }
    let date = ailevel::catalog::parse_date("2026-07-01").unwrap();
    let t = Instant::now();
    let rows = check_csv(csv.as_bytes(), &index, &policy, date, true).unwrap();
    let checked = t.elapsed();
    assert_eq!(rows.len(), CSV_ROWS);
    println!(
        "import-skus: {CSV_ROWS} rows in {:.0} ms (+ {:.0} ms loading and indexing {ENTRIES} entries), {} eligible",
        checked.as_secs_f64() * 1000.0,
        loaded.as_secs_f64() * 1000.0,
        rows.iter().filter(|r| r.eligible == "yes").count()
    );
    let _ = index.find(&Query::default(), date);

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(web::serve(listener, web::App::new(store, policy, None)));
        let client = reqwest::Client::new();
        let mut samples = Vec::with_capacity(SEARCHES);
        let mut found = 0usize;
        for s in 0..SEARCHES {
            let m = (s * 104_729) % (ENTRIES / 3);
            let q = match s % 4 {
                0 => format!("model%20{m}"),
                1 => format!("sku-{m}-2"),
                2 => format!("BENCH-{:06}", m * 3),
                // 型号 {m} 手机, percent-encoded.
                _ => format!("%E5%9E%8B%E5%8F%B7{m}"),
            };
            let t = Instant::now();
            let r = client
                .get(format!("http://{addr}/api/v1/search?q={q}"))
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success());
            let body: serde_json::Value = r.json().await.unwrap();
            samples.push(t.elapsed());
            found += body.as_array().map_or(0, Vec::len);
        }
        samples.sort();
        println!(
            "search over HTTP, {SEARCHES} requests on {ENTRIES} entries: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({found} results)",
            pct(&samples, 0.50).as_secs_f64() * 1000.0,
            pct(&samples, 0.95).as_secs_f64() * 1000.0,
            samples.last().unwrap().as_secs_f64() * 1000.0,
        );
    });
    // The server task still owns the store; a PostgreSQL client dropped on a runtime
    // thread as the runtime shuts down would panic (it blocks to close), so end here.
    std::process::exit(0);
}
