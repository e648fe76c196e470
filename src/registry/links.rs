//! Links found inside registry answers: the registrar's RDAP URL in an RDAP answer (RFC 9083
//! §4.2, `rel: "related"`) and the registrar's WHOIS server in a thin WHOIS answer. Their
//! addresses come from whoever wrote the answer, so reclaim follows them only where an outside
//! server may lead it (OWASP Server-Side Request Forgery Prevention Cheat Sheet):
//!
//! - RDAP over `https` only (RFC 7481 §3 requires TLS for RDAP), on its default port, without
//!   credentials in the URL; a redirect may not leave that host, scheme or port;
//! - WHOIS on port 43 only (RFC 3912);
//! - to public addresses only, checked after DNS resolution (every address a name resolves to)
//!   and on every connection a redirect makes, and connected to the address that was checked.
//!
//! Servers named in the configuration (overrides, the IANA bootstrap) are trusted as they are:
//! the operator chose them. The rules and their sources: docs/registries.md §6.6.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;

/// Why a link found in an answer is not followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkRefused {
    #[error("'{0}' is not a URL")]
    NotAUrl(String),
    #[error("'{0}' is not https: registrar links are followed over https only")]
    NotHttps(String),
    #[error("'{0}' carries a user name or password")]
    Credentials(String),
    #[error("'{0}' names a port other than the default one")]
    Port(String),
    #[error("'{0}' is not a public address")]
    NotPublic(String),
    #[error("'{0}' has no public address")]
    NoPublicAddress(String),
    #[error("'{0}' is not a host name")]
    NotAHost(String),
}

/// Whether `ip` is an address on the public internet: not loopback, private, link-local,
/// shared (CGNAT), multicast, reserved or documentation space (RFC 6890 special-purpose
/// registries), looking through IPv4-mapped, 6to4 and NAT64 IPv6 forms.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0                                   // "this network" (RFC 1122)
        || a == 10                             // private (RFC 1918)
        || a == 127                            // loopback
        || (a == 100 && (64..128).contains(&b)) // shared address space (RFC 6598)
        || (a == 169 && b == 254)              // link-local
        || (a == 172 && (16..32).contains(&b)) // private
        || (a == 192 && b == 0 && c == 0)      // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)      // documentation (TEST-NET-1)
        || (a == 192 && b == 88 && c == 99)    // 6to4 relay anycast
        || (a == 192 && b == 168)              // private
        || (a == 198 && (18..20).contains(&b)) // benchmarking (RFC 2544)
        || (a == 198 && b == 51 && c == 100)   // documentation (TEST-NET-2)
        || (a == 203 && b == 0 && c == 113)    // documentation (TEST-NET-3)
        || a >= 224) // multicast, reserved, broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let embedded_v4 = |high: u16, low: u16| {
        Ipv4Addr::new(
            (high >> 8) as u8,
            (high & 0xff) as u8,
            (low >> 8) as u8,
            (low & 0xff) as u8,
        )
    };
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    match segments {
        // Unspecified, loopback and the deprecated IPv4-compatible form.
        [0, 0, 0, 0, 0, 0, high, low] => high != 0 && is_public_v4(embedded_v4(high, low)),
        // NAT64 (RFC 6052): an IPv4 address in the last 32 bits.
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] => is_public_v4(embedded_v4(high, low)),
        // 6to4 (RFC 3056): an IPv4 address in bits 16..48.
        [0x2002, high, low, ..] => is_public_v4(embedded_v4(high, low)),
        // Documentation (RFC 3849).
        [0x2001, 0x0db8, ..] => false,
        [first, ..] => {
            (first & 0xfe00) != 0xfc00 // unique local fc00::/7
                && (first & 0xffc0) != 0xfe80 // link-local fe80::/10
                && (first & 0xff00) != 0xff00 // multicast ff00::/8
        }
    }
}

/// Checks a registrar RDAP link before any connection: https, default port, no credentials, and
/// a host that is a name or a public address. The name's addresses are checked when it is
/// resolved ([`PublicOnly`]).
pub fn check_rdap_link(link: &str) -> Result<Url, LinkRefused> {
    let url = Url::parse(link).map_err(|_| LinkRefused::NotAUrl(link.to_owned()))?;
    if url.scheme() != "https" {
        return Err(LinkRefused::NotHttps(link.to_owned()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(LinkRefused::Credentials(link.to_owned()));
    }
    // `Url` drops the scheme's default port, so any port left is another one.
    if url.port().is_some() {
        return Err(LinkRefused::Port(link.to_owned()));
    }
    // Decimal, octal and short IPv4 forms are already normalised by the URL parser
    // (`https://2130706433/` is 127.0.0.1); IPv6 hosts come in brackets.
    let Some(host) = url.host_str() else {
        return Err(LinkRefused::NotAHost(link.to_owned()));
    };
    match host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        Ok(ip) if !is_public(ip) => Err(LinkRefused::NotPublic(link.to_owned())),
        _ => Ok(url),
    }
}

/// Whether a redirect from `from` to `to` may be followed: same scheme, host and port.
pub fn redirect_allowed(from: &Url, to: &Url) -> bool {
    from.scheme() == to.scheme()
        && from.host_str() == to.host_str()
        && from.port_or_known_default() == to.port_or_known_default()
        && to.username().is_empty()
        && to.password().is_none()
}

/// Checks a WHOIS referral (a host name, or `host:43`) and gives the host to resolve.
pub fn check_whois_referral(referral: &str) -> Result<String, LinkRefused> {
    let referral = referral.trim().trim_end_matches('.');
    if let Ok(ip) = referral.parse::<IpAddr>() {
        return if is_public(ip) {
            Ok(referral.to_owned())
        } else {
            Err(LinkRefused::NotPublic(referral.to_owned()))
        };
    }
    let host = match referral.rsplit_once(':') {
        Some((host, "43")) if !host.contains(':') => host,
        Some(_) => return Err(LinkRefused::Port(referral.to_owned())),
        None => referral,
    };
    if let Ok(ip) = host.parse::<IpAddr>() {
        return if is_public(ip) {
            Ok(host.to_owned())
        } else {
            Err(LinkRefused::NotPublic(referral.to_owned()))
        };
    }
    let valid_name = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    // A number alone (`2130706433`) is not a name: resolvers read it as an address.
    if !valid_name || host.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(LinkRefused::NotAHost(referral.to_owned()));
    }
    Ok(host.to_ascii_lowercase())
}

/// Resolves `host` and keeps its public addresses; refused when it has none.
pub async fn public_addresses(host: &str, port: u16) -> Result<Vec<SocketAddr>, LinkRefused> {
    let found: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| LinkRefused::NoPublicAddress(host.to_owned()))?
        .collect();
    let public: Vec<SocketAddr> = found.into_iter().filter(|a| is_public(a.ip())).collect();
    if public.is_empty() {
        Err(LinkRefused::NoPublicAddress(host.to_owned()))
    } else {
        Ok(public)
    }
}

/// A DNS resolver for the client that follows links: it answers only public addresses, so a
/// name pointing inside the network (or changing its answer between check and connection) is
/// refused at the moment of connecting, for the first request and every redirect alike.
#[derive(Debug, Default, Clone, Copy)]
pub struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addresses = public_addresses(&host, 0).await?;
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_inner_addresses() {
        // RFC 6890 special-purpose blocks, and their IPv6 disguises.
        let cases: &[(&str, bool)] = &[
            ("8.8.8.8", true),
            ("192.0.47.59", true),
            ("127.0.0.1", false),
            ("127.1.2.3", false),
            ("10.0.0.1", false),
            ("172.16.0.1", false),
            ("172.31.255.255", false),
            ("172.32.0.1", true),
            ("192.168.1.1", false),
            ("169.254.169.254", false), // cloud metadata
            ("100.64.0.1", false),
            ("0.0.0.0", false),
            ("224.0.0.1", false),
            ("255.255.255.255", false),
            ("192.0.2.1", false),
            ("198.18.0.1", false),
            ("::1", false),
            ("::", false),
            ("::ffff:127.0.0.1", false),
            ("::ffff:8.8.8.8", true),
            ("::127.0.0.1", false),
            ("64:ff9b::7f00:1", false),
            ("64:ff9b::808:808", true),
            ("2002:7f00:1::", false),
            ("2002:808:808::", true),
            ("fc00::1", false),
            ("fd12:3456::1", false),
            ("fe80::1", false),
            ("ff02::1", false),
            ("2001:db8::1", false),
            ("2001:4860:4860::8888", true),
        ];
        for (text, public) in cases {
            let ip: IpAddr = text.parse().unwrap();
            assert_eq!(is_public(ip), *public, "{text}");
        }
    }

    #[test]
    fn rdap_links_before_any_connection() {
        let ok = |link: &str| check_rdap_link(link).map(|u| u.to_string());
        assert_eq!(
            ok("https://rdap.markmonitor.com/rdap/domain/GOOGLE.COM"),
            Ok("https://rdap.markmonitor.com/rdap/domain/GOOGLE.COM".to_owned())
        );
        assert!(ok("https://rdap.example.com:443/domain/x").is_ok());
        let refused: &[(&str, fn(String) -> LinkRefused)] = &[
            ("http://rdap.example.com/domain/x", LinkRefused::NotHttps),
            ("ftp://rdap.example.com/", LinkRefused::NotHttps),
            ("file:///etc/passwd", LinkRefused::NotHttps),
            (
                "https://user:pass@rdap.example.com/",
                LinkRefused::Credentials,
            ),
            ("https://user@rdap.example.com/", LinkRefused::Credentials),
            ("https://rdap.example.com:8443/", LinkRefused::Port),
            ("https://127.0.0.1/", LinkRefused::NotPublic),
            ("https://2130706433/", LinkRefused::NotPublic),
            ("https://0x7f000001/", LinkRefused::NotPublic),
            ("https://0177.0.0.1/", LinkRefused::NotPublic),
            ("https://127.1/", LinkRefused::NotPublic),
            ("https://[::1]/", LinkRefused::NotPublic),
            ("https://[::ffff:127.0.0.1]/", LinkRefused::NotPublic),
            (
                "https://169.254.169.254/latest/meta-data/",
                LinkRefused::NotPublic,
            ),
            ("https://10.1.2.3/", LinkRefused::NotPublic),
            ("not a url", LinkRefused::NotAUrl),
        ];
        for (link, refusal) in refused {
            assert_eq!(
                check_rdap_link(link),
                Err(refusal((*link).to_owned())),
                "{link}"
            );
        }
    }

    #[test]
    fn redirects_stay_on_the_host() {
        let url = |s: &str| Url::parse(s).unwrap();
        let from = url("https://rdap.example.com/domain/x");
        assert!(redirect_allowed(
            &from,
            &url("https://rdap.example.com/v2/domain/x")
        ));
        assert!(!redirect_allowed(
            &from,
            &url("https://other.example.com/domain/x")
        ));
        assert!(!redirect_allowed(
            &from,
            &url("http://rdap.example.com/domain/x")
        ));
        assert!(!redirect_allowed(
            &from,
            &url("https://rdap.example.com:8443/domain/x")
        ));
        assert!(!redirect_allowed(
            &from,
            &url("https://u:p@rdap.example.com/domain/x")
        ));
        assert!(!redirect_allowed(&from, &url("https://127.0.0.1/domain/x")));
    }

    #[test]
    fn whois_referrals() {
        assert_eq!(
            check_whois_referral("whois.markmonitor.com"),
            Ok("whois.markmonitor.com".to_owned())
        );
        assert_eq!(
            check_whois_referral("WHOIS.GoDaddy.com:43"),
            Ok("whois.godaddy.com".to_owned())
        );
        assert_eq!(check_whois_referral("8.8.8.8"), Ok("8.8.8.8".to_owned()));
        let refused: &[(&str, fn(String) -> LinkRefused)] = &[
            ("127.0.0.1", LinkRefused::NotPublic),
            ("::1", LinkRefused::NotPublic),
            ("10.0.0.5", LinkRefused::NotPublic),
            ("whois.example.com:4343", LinkRefused::Port),
            ("127.0.0.1:43", LinkRefused::NotPublic),
            ("2130706433", LinkRefused::NotAHost),
            ("who is.example", LinkRefused::NotAHost),
            ("", LinkRefused::NotAHost),
        ];
        for (referral, refusal) in refused {
            assert_eq!(
                check_whois_referral(referral),
                Err(refusal((*referral).to_owned())),
                "{referral}"
            );
        }
    }
}
