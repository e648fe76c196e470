//! The lookalike watch's zone scan (issue 18): planted lookalikes of every family found in a
//! synthetic CZDS zone, plain, gzip and over HTTP; malformed lines skipped and counted; a gzip
//! cut short; short marks refused; the `reclaim lookalikes scan` command; memory flat on a
//! large stream.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::process::Stdio;

use flate2::Compression;
use flate2::write::GzEncoder;

use reclaim::lookalike::{self, Format, NameReader, ScanError};
use reclaim::model::lookalike::{Family, Mark, Matcher, candidates};

use crate::cli::reclaim;
use crate::synthetic_zone::{SyntheticZone, random_label};

const MARKS: [&str; 3] = ["northwind", "heliosbank", "acme"];

/// Every candidate the zone scan can see in a `.com` zone: all families but subdomain (the
/// zone holds `wind.com`, not `north.wind.com`) and tld-swap (another zone).
fn planted() -> Vec<(String, Family)> {
    let mut out = Vec::new();
    for m in MARKS {
        let mark = Mark::parse(m).unwrap();
        for c in candidates(&mark, "com", &[]) {
            if matches!(c.family, Family::Subdomain | Family::TldSwap) {
                continue;
            }
            let label = c.domain.strip_suffix(".com").unwrap().to_owned();
            out.push((label, c.family));
        }
    }
    out
}

fn matcher() -> Matcher<&'static str> {
    Matcher::new(MARKS.map(|m| (Mark::parse(m).unwrap(), m))).unwrap()
}

fn zone_text(random: u64) -> (Vec<u8>, Vec<(String, Family)>) {
    let planted = planted();
    let labels: Vec<String> = planted.iter().map(|(l, _)| l.clone()).collect();
    let total = random + labels.len() as u64;
    let every = total / labels.len() as u64;
    let mut text = Vec::new();
    SyntheticZone::new(18, total, labels, every)
        .read_to_end(&mut text)
        .unwrap();
    (text, planted)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// Scans `source` and checks every planted name is found and false alarms stay few.
fn check_scan(source: Box<dyn std::io::BufRead + Send>, planted: &[(String, Family)], random: u64) {
    let m = matcher();
    let mut found = BTreeSet::new();
    let mut planted_hits = 0usize;
    let mut alarms = Vec::new();
    let planted_names: BTreeSet<String> = planted.iter().map(|(l, _)| format!("{l}.com")).collect();
    let mut names = NameReader::new(source, Format::Auto);
    let summary = lookalike::scan(&mut names, &m, |name, hit| {
        if planted_names.contains(name) {
            planted_hits += 1;
            found.insert(name.to_owned());
        } else {
            alarms.push((
                name.to_owned(),
                hit.mark.ascii().to_owned(),
                hit.reason.clone(),
            ));
        }
    })
    .unwrap();
    let missed: Vec<_> = planted
        .iter()
        .filter(|(l, _)| !found.contains(&format!("{l}.com")))
        .collect();
    assert!(missed.is_empty(), "planted names not found: {missed:?}");
    assert_eq!(summary.malformed, 0);
    assert!(summary.names >= random, "{summary:?}");
    // False alarms among random names: real names near a mark (a random `acne` for `acme`)
    // are what the watch is for, but they must stay rare.
    eprintln!(
        "{} false alarms among {random} random names: {:?}",
        alarms.len(),
        alarms.iter().take(10).collect::<Vec<_>>()
    );
    assert!(
        (alarms.len() as u64) * 200 <= random,
        "{} false alarms among {random}: {alarms:?}",
        alarms.len()
    );
    assert_eq!(summary.matches as usize, planted_hits + alarms.len());
}

#[test]
fn every_planted_lookalike_is_found_in_a_plain_zone() {
    let (text, planted) = zone_text(5000);
    let families: BTreeSet<Family> = planted.iter().map(|(_, f)| *f).collect();
    assert_eq!(
        families.len(),
        12,
        "every family the zone can hold is planted: {families:?}"
    );
    check_scan(
        lookalike::uncompressed(std::io::Cursor::new(text)).unwrap(),
        &planted,
        5000,
    );
}

#[test]
fn every_planted_lookalike_is_found_in_a_gzip_zone_file() {
    let (text, planted) = zone_text(5000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("com.zone.gz");
    std::fs::write(&path, gzip(&text)).unwrap();
    check_scan(
        lookalike::open(path.to_str().unwrap()).unwrap(),
        &planted,
        5000,
    );
}

#[test]
fn a_zone_is_read_from_an_http_address() {
    let (text, planted) = zone_text(2000);
    let body = gzip(&text);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request).unwrap();
        write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: application/gzip\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        stream.write_all(&body).unwrap();
    });
    let source = lookalike::open(&format!("http://127.0.0.1:{port}/com.zone.gz")).unwrap();
    check_scan(source, &planted, 2000);
    server.join().unwrap();
}

#[test]
fn an_http_error_is_a_clear_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request).unwrap();
        stream
            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .unwrap();
    });
    let err = match lookalike::open(&format!("http://127.0.0.1:{port}/missing.zone.gz")) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("a 404 opened"),
    };
    assert!(
        err.contains("cannot download") && err.contains("404"),
        "{err}"
    );
    server.join().unwrap();
}

#[test]
fn malformed_lines_are_skipped_and_counted() {
    let zone = "\
$ORIGIN com.
com. 900 in soa a.gtld-servers.net. nstld.verisign-grs.com. 1 2 3 4 5
n0rthwind.com. 172800 in ns ns1.example.net.
this is not a record
northwind-login.com. 172800 in ns
na!me.com. 172800 in ns ns1.example.net.
$GENERATE 1-10 host$ A 192.0.2.$
nrothwind.com. 172800 in ns ns1.example.net.
";
    let m = matcher();
    let mut names = NameReader::new(zone.as_bytes(), Format::Auto);
    let mut hits = Vec::new();
    let summary = lookalike::scan(&mut names, &m, |n, _| hits.push(n.to_owned())).unwrap();
    assert_eq!(hits, ["n0rthwind.com", "nrothwind.com"]);
    assert_eq!(summary.malformed, 4);
    assert_eq!(summary.malformed_lines, [4, 5, 6, 7]);
    assert_eq!(summary.lines, 8);
}

#[test]
fn a_gzip_cut_short_is_an_error_naming_the_line_reached() {
    let (text, _) = zone_text(3000);
    let packed = gzip(&text);
    let cut = packed[..packed.len() / 2].to_vec();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("com.zone.gz");
    std::fs::write(&path, &cut).unwrap();
    let m = matcher();
    let mut names = NameReader::new(
        lookalike::open(path.to_str().unwrap()).unwrap(),
        Format::Auto,
    );
    let err = lookalike::scan(&mut names, &m, |_, _| {}).unwrap_err();
    let ScanError::Truncated { line } = err else {
        panic!("not a truncation: {err}");
    };
    assert!(
        line > 100 && line < text.iter().filter(|&&b| b == b'\n').count() as u64,
        "{line}"
    );
    let message = ScanError::Truncated { line }.to_string();
    assert!(
        message.contains(&format!("after line {line}")) && message.contains("cut short"),
        "{message}"
    );
}

#[test]
fn a_mark_of_one_or_two_letters_is_refused() {
    for short in ["nw", "x", "é"] {
        let err = Mark::parse(short).unwrap_err().to_string();
        assert!(err.contains("too short to watch"), "{short}: {err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let zone = dir.path().join("list.txt");
    std::fs::write(&zone, "nw.com\n").unwrap();
    let output = reclaim(
        dir.path(),
        &[],
        &[
            "lookalikes",
            "scan",
            "--zone",
            zone.to_str().unwrap(),
            "--mark",
            "nw",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--mark: 'nw' is too short to watch"),
        "{stderr}"
    );
}

#[test]
fn the_command_prints_one_json_object_a_line_per_match() {
    let dir = tempfile::tempdir().unwrap();
    let greek = idna::domain_to_ascii("nοrthwind.com").unwrap();
    let zone = format!(
        "$ORIGIN com.\ncom. 900 in soa a. b. 1 2 3 4 5\n{greek}. 172800 in ns ns1.example.net.\nnorthwind-login.com. 172800 in ns ns1.example.net.\nexample.com. 172800 in ns ns1.example.net.\nbroken line\n"
    );
    let path = dir.path().join("com.zone.gz");
    std::fs::write(&path, gzip(zone.as_bytes())).unwrap();
    let output = reclaim(
        dir.path(),
        &[],
        &[
            "lookalikes",
            "scan",
            "--zone",
            path.to_str().unwrap(),
            "--mark",
            "Northwind",
            "--json",
        ],
    )
    .output()
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["domain"], greek.as_str());
    assert_eq!(lines[0]["unicode"], "nοrthwind.com");
    assert_eq!(lines[0]["mark"], "northwind");
    assert_eq!(lines[0]["reason"]["family"], "homoglyph");
    assert_eq!(lines[0]["reason"]["skeleton_equal"], true);
    assert_eq!(lines[0]["score"], 100);
    assert_eq!(lines[1]["domain"], "northwind-login.com");
    assert_eq!(lines[1]["reason"]["contained"], "northwind");
    assert_eq!(lines[1]["reason"]["family"], "dictionary");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("3 names read, 1 malformed line skipped (first: line 6), 2 matches"),
        "{stderr}"
    );
    // Without --mark: a clear error pointing to the job that scans against the firm's marks.
    let output = reclaim(
        dir.path(),
        &[],
        &["lookalikes", "scan", "--zone", path.to_str().unwrap()],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("pass --mark"), "{stderr}");
    assert!(stderr.contains("reclaim jobs run lookalikes"), "{stderr}");
    // The readable table
    let output = reclaim(
        dir.path(),
        &[],
        &[
            "lookalikes",
            "scan",
            "--zone",
            path.to_str().unwrap(),
            "--mark",
            "northwind",
        ],
    )
    .output()
    .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("northwind-login.com") && text.contains("dictionary, contains northwind"),
        "{text}"
    );
    assert!(text.contains("2 matches"), "{text}");
}

fn vm_hwm_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Runs the command on `bytes` of synthetic zone piped to its standard input and returns its
/// peak resident memory (VmHWM, kB) read just before the end of the input.
fn peak_memory_scanning(bytes: u64) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let mut child = reclaim(
        dir.path(),
        &[],
        &[
            "lookalikes",
            "scan",
            "--zone",
            "/dev/stdin",
            "--mark",
            "northwind",
            "--json",
        ],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Long name-server names: about 250 bytes a registered name.
    let mut zone = SyntheticZone::new(7, u64::MAX, vec!["n0rthwind".into()], 1000).with_padding(60);
    let mut sent = 0u64;
    let mut chunk = vec![0u8; 1 << 16];
    while sent < bytes {
        let n = zone.read(&mut chunk).unwrap();
        stdin.write_all(&chunk[..n]).unwrap();
        sent += n as u64;
    }
    stdin.flush().unwrap();
    let peak = vm_hwm_kb(child.id());
    drop(stdin);
    assert!(child.wait().unwrap().success());
    peak
}

#[test]
fn memory_stays_flat_on_a_large_stream() {
    // 4 MB, then 300 MB through the same reader: the peak must not grow with the size.
    let small = peak_memory_scanning(4 << 20);
    let large = peak_memory_scanning(300 << 20);
    eprintln!("peak memory: {small} kB for 4 MB, {large} kB for 300 MB");
    assert!(
        large < small + 16 * 1024,
        "peak grew from {small} kB to {large} kB"
    );
}

#[test]
fn random_labels_look_like_names() {
    // the generator's own sanity: lengths like registered names, valid LDH labels
    let mut rng = crate::synthetic_zone::Rng::new(1);
    for _ in 0..1000 {
        let l = random_label(&mut rng);
        assert!((3..=30).contains(&l.len()), "{l}");
        assert!(reclaim::model::domain_name::parse_label(&l).is_ok(), "{l}");
    }
}
