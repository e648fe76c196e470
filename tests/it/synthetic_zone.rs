//! A synthetic `.com` zone in ICANN CZDS's master-file format (RFC 1035 §5.1: absolute owner
//! names, `owner TTL class type rdata`, one record a line), generated on the fly by a
//! deterministic PRNG and read through `std::io::Read`, so a zone of any size is never stored.
//! Shared by the integration tests (`tests/it/lookalikes.rs`) and the benchmark
//! (`benches/lookalike_scan.rs`, which includes this file by path).
//!
//! Labels are made of syllables (so they look like names people register, 3–24 letters,
//! sometimes a digit or a hyphen); each name has two NS records (the scan must take the owner
//! once) and one in eight has a glue A record (to skip). The planted names come every
//! `plant_every` names, in order, and again from the start when they run out.

use std::io::Read;

const SYLLABLES: [&str; 48] = [
    "ka", "ro", "mi", "ne", "tor", "lan", "ber", "so", "fi", "ga", "lu", "pe", "tra", "vo", "zen",
    "qui", "da", "le", "mon", "ar", "cas", "el", "in", "om", "pla", "sta", "ur", "ex", "bio",
    "tek", "net", "soft", "ly", "go", "max", "pro", "web", "hub", "shop", "art", "ville", "co",
    "sun", "sea", "blue", "red", "gri", "ste",
];

/// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): small, fast, and the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// A random registrable label: 1–5 syllables, sometimes a digit or a hyphen between them.
pub fn random_label(rng: &mut Rng) -> String {
    let parts = 1 + rng.below(4) + rng.below(2);
    let mut label = String::new();
    for i in 0..parts {
        if i > 0 && rng.below(12) == 0 {
            label.push('-');
        }
        label.push_str(SYLLABLES[rng.below(SYLLABLES.len() as u64) as usize]);
    }
    if rng.below(10) == 0 {
        label.push(char::from(b'0' + rng.below(10) as u8));
    }
    if label.len() < 3 {
        label.push_str("net");
    }
    label
}

pub struct SyntheticZone {
    rng: Rng,
    /// Names still to write (random and planted).
    remaining: u64,
    planted: Vec<String>,
    next_planted: usize,
    plant_every: u64,
    written: u64,
    /// Extra bytes of name-server host name, for long lines.
    pad: usize,
    buf: Vec<u8>,
    at: usize,
    header: bool,
}

impl SyntheticZone {
    /// `names` registered names in all; every `plant_every`-th is the next of `planted`
    /// (A-labels, without `.com`).
    pub fn new(seed: u64, names: u64, planted: Vec<String>, plant_every: u64) -> Self {
        Self {
            rng: Rng::new(seed),
            remaining: names,
            planted,
            next_planted: 0,
            plant_every: plant_every.max(1),
            written: 0,
            pad: 0,
            buf: Vec::with_capacity(4096),
            at: 0,
            header: true,
        }
    }

    /// Name-server host names `pad` bytes longer (lines of about 2 × (60 + pad) bytes a name).
    pub fn with_padding(mut self, pad: usize) -> Self {
        self.pad = pad;
        self
    }

    fn refill(&mut self) {
        self.buf.clear();
        self.at = 0;
        if self.header {
            self.header = false;
            self.buf.extend_from_slice(
                b"$ORIGIN com.\n$TTL 86400\ncom.\t900\tin\tsoa\ta.gtld-servers.net. nstld.verisign-grs.com. 1764700000 1800 900 604800 900\ncom.\t172800\tin\tns\ta.gtld-servers.net.\n",
            );
        }
        while self.remaining > 0 && self.buf.len() < 3500 {
            self.remaining -= 1;
            self.written += 1;
            let label = if !self.planted.is_empty() && self.written % self.plant_every == 0 {
                let l = self.planted[self.next_planted % self.planted.len()].clone();
                self.next_planted += 1;
                l
            } else {
                random_label(&mut self.rng)
            };
            let host = random_label(&mut self.rng);
            let pad = "x".repeat(self.pad);
            for ns in 1..=2 {
                self.buf.extend_from_slice(
                    format!("{label}.com.\t172800\tin\tns\tns{ns}.{host}{pad}.net.\n").as_bytes(),
                );
            }
            if self.rng.below(8) == 0 {
                self.buf.extend_from_slice(
                    format!(
                        "ns1.{label}.com.\t172800\tin\ta\t192.0.2.{}\n",
                        self.rng.below(250)
                    )
                    .as_bytes(),
                );
            }
        }
    }
}

impl Read for SyntheticZone {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at >= self.buf.len() {
            self.refill();
            if self.buf.is_empty() {
                return Ok(0);
            }
        }
        let n = out.len().min(self.buf.len() - self.at);
        out[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
