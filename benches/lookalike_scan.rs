//! `cargo bench --bench lookalike_scan`: the lookalike watch's zone scan on a synthetic
//! 10-million-name `.com` zone (ICANN CZDS master-file format, two NS records a name, some
//! glue; deterministic PRNG; labels of 3–24 characters made of syllables; lookalikes of the
//! marks planted every 10,000 names), written to a temporary file first, then scanned on one
//! core against 20 marks: reading, parsing, skipping repeats and glue, and matching each
//! name by skeleton, containment and edit distance. Prints names per second, matches, planted
//! names found and the peak resident memory (VmHWM).
//!
//! `LOOKALIKE_NAMES=N` changes the number of names. Goal (issue 18): ≥ 1 million names/s.

#[path = "../tests/it/synthetic_zone.rs"]
#[allow(dead_code)]
mod synthetic_zone;

use std::collections::HashSet;
use std::io::BufWriter;
use std::time::Instant;

use reclaim::lookalike::{self, Format, NameReader};
use reclaim::model::lookalike::{Family, Mark, Matcher, candidates};

const MARKS: [&str; 20] = [
    "northwind",
    "heliosbank",
    "duvalberg",
    "acme",
    "contoso",
    "fabrikam",
    "tailspin",
    "wingtip",
    "adventureworks",
    "litware",
    "proseware",
    "lucerne",
    "margies",
    "woodgrove",
    "fourthcoffee",
    "alpineski",
    "blueyonder",
    "cohowinery",
    "treyresearch",
    "wideworld",
];

fn vm_hwm_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let names: u64 = std::env::var("LOOKALIKE_NAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let planted: Vec<String> = MARKS[..3]
        .iter()
        .flat_map(|m| candidates(&Mark::parse(m).unwrap(), "com", &[]))
        .filter(|c| !matches!(c.family, Family::Subdomain | Family::TldSwap))
        .map(|c| c.domain.trim_end_matches(".com").to_owned())
        .collect();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("com.zone");
    let generating = Instant::now();
    {
        let file = std::fs::File::create(&path).expect("the zone file is written");
        let mut zone = synthetic_zone::SyntheticZone::new(2026, names, planted.clone(), 10_000);
        std::io::copy(&mut zone, &mut BufWriter::with_capacity(1 << 20, file))
            .expect("the zone file is written");
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let distinct_planted = planted.len().min((names / 10_000) as usize);
    println!(
        "zone: {names} names, {:.0} MB, generated in {:.1} s; a lookalike planted every 10,000 names ({distinct_planted} distinct)",
        size as f64 / 1e6,
        generating.elapsed().as_secs_f64(),
    );

    let matcher = Matcher::new(MARKS.map(|m| (Mark::parse(m).unwrap(), m))).unwrap();
    let planted_set: HashSet<String> = planted.iter().map(|l| format!("{l}.com")).collect();
    let memory_before = vm_hwm_mb();
    let started = Instant::now();
    let mut reader = NameReader::new(
        lookalike::open(path.to_str().expect("a UTF-8 path")).expect("the zone opens"),
        Format::Auto,
    );
    let mut planted_found = HashSet::new();
    let summary = lookalike::scan(&mut reader, &matcher, |name, _| {
        if planted_set.contains(name) {
            planted_found.insert(name.to_owned());
        }
    })
    .expect("the zone reads");
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "scan: {} names ({} lines, {} malformed) against {} marks in {seconds:.2} s on one core: {:.2} million names/s",
        summary.names,
        summary.lines,
        summary.malformed,
        MARKS.len(),
        summary.names as f64 / seconds / 1e6
    );
    println!(
        "matches: {} ({} of the {distinct_planted} distinct planted lookalikes found; the rest are random names near a mark)",
        summary.matches,
        planted_found.len(),
    );
    println!(
        "peak resident memory: {:.0} MB (before the scan: {memory_before:.0} MB)",
        vm_hwm_mb()
    );
}
