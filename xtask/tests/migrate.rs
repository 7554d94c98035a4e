//! `cargo xtask migrate` through the binary: status, up (all and `--to`), down and fresh on
//! SQLite and PostgreSQL; `fresh` refused on PostgreSQL without `--yes`.

mod common;

use common::{code, postgres, text, xtask};
use telemetry_store::migration::known_migrations;
use xtask::db::ScratchDb;

fn pending_lines(out: &str) -> usize {
    out.lines().filter(|l| l.starts_with("pending ")).count()
}

/// status → up --to → status → up → down 2 → status, on one database.
fn up_down_status(url: &str) {
    let known = known_migrations();
    let out = xtask(&["migrate", "--database-url", url, "status"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(pending_lines(&text(&out)), known.len(), "{}", text(&out));

    let out = xtask(&["migrate", "--database-url", url, "up", "--to", &known[1]]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let out = xtask(&["migrate", "--database-url", url, "status"]);
    assert!(
        text(&out).contains(&format!("applied  {}", known[1])),
        "{}",
        text(&out)
    );
    assert_eq!(pending_lines(&text(&out)), known.len() - 2);

    let out = xtask(&["migrate", "--database-url", url, "up"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(
        pending_lines(&text(&xtask(&["migrate", "--database-url", url, "status"]))),
        0
    );

    let out = xtask(&["migrate", "--database-url", url, "down", "2"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains(&format!("reverted {}", known[known.len() - 1])));
    assert_eq!(
        pending_lines(&text(&xtask(&["migrate", "--database-url", url, "status"]))),
        2
    );

    let out = xtask(&["migrate", "--database-url", url, "up", "--to", &known[0]]);
    assert_eq!(
        code(&out),
        2,
        "an applied target is refused: {}",
        text(&out)
    );
    let out = xtask(&["migrate", "--database-url", url, "up", "--to", "m_nope"]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(
        text(&out).contains("migrate status"),
        "the error says what to do: {}",
        text(&out)
    );
}

#[test]
fn sqlite_status_up_down_fresh() {
    let db = ScratchDb::sqlite().unwrap();
    up_down_status(&db.url);
    let out = xtask(&["migrate", "--database-url", &db.url, "fresh"]);
    assert_eq!(
        code(&out),
        0,
        "fresh needs no --yes on a SQLite file: {}",
        text(&out)
    );
    assert_eq!(
        pending_lines(&text(&xtask(&[
            "migrate",
            "--database-url",
            &db.url,
            "status"
        ]))),
        0
    );
}

#[test]
fn postgres_status_up_down_fresh() {
    let Some(admin) = postgres("postgres_status_up_down_fresh") else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime
        .block_on(ScratchDb::postgres(&admin, "xtask_test_migrate", 0))
        .unwrap();
    up_down_status(&db.url);
    let out = xtask(&["migrate", "--database-url", &db.url, "fresh"]);
    assert_eq!(
        code(&out),
        2,
        "fresh is refused without --yes: {}",
        text(&out)
    );
    assert!(text(&out).contains("--yes"), "{}", text(&out));
    let out = xtask(&["migrate", "--database-url", &db.url, "fresh", "--yes"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    runtime.block_on(db.drop_now()).unwrap();
}

#[test]
fn an_unreachable_database_exits_3_and_says_what_to_check() {
    let out = xtask(&[
        "migrate",
        "--database-url",
        "postgres://nobody@127.0.0.1:1/none",
        "status",
    ]);
    assert_eq!(code(&out), 3, "{}", text(&out));
    assert!(text(&out).contains("--database-url"), "{}", text(&out));
}
