//! Who is asking: the client's IP (behind trusted proxies only), user agent and cookies,
//! read from the request that a server function or route is handling.

use crate::backend::config::Config;
use crate::backend::net::IpNet;
use axum::extract::ConnectInfo;
use http::HeaderMap;
use http::request::Parts;
use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestMeta {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
    /// The request came from a plain HTML form (no JavaScript), not a `fetch`.
    pub wants_html: bool,
}

impl RequestMeta {
    pub fn from_parts(parts: &Parts, config: &Config) -> RequestMeta {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        RequestMeta::from_headers(&parts.headers, peer, &config.http.trusted_proxies)
    }

    pub fn from_headers(
        headers: &HeaderMap,
        peer: Option<IpAddr>,
        trusted: &[IpNet],
    ) -> RequestMeta {
        let ip = peer.map(|peer| client_ip(peer, headers, trusted));
        let user_agent = headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(300).collect());
        let wants_html = headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        RequestMeta {
            ip,
            user_agent,
            wants_html,
        }
    }

    pub fn ip_text(&self) -> String {
        self.ip
            .map(|ip| ip.to_string())
            .unwrap_or_else(|| "unknown".to_owned())
    }

    /// The key that per-network limits count under: an IPv4 address, or an IPv6 address's
    /// /64 (one household or office gets a whole /64, so counting single IPv6 addresses
    /// would let one client rotate through billions of them).
    pub fn ip_bucket(&self) -> String {
        self.ip.map_or_else(|| "unknown".to_owned(), ip_bucket)
    }
}

/// See [`RequestMeta::ip_bucket`]. IPv4-mapped IPv6 addresses count as their IPv4 address.
pub fn ip_bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
    }
}

/// The client address: the peer, unless the peer is a trusted proxy, in which case the
/// right-most `X-Forwarded-For` entry that is not itself a trusted proxy. Entries further
/// left were written by the client and prove nothing.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    // Walked from the right (the hop nearest us). A hop that does not parse ends the walk
    // at the peer: skipping it would let a client's own entry further left be believed.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().unwrap_or("?"))
        .flat_map(|v| v.split(','))
        .collect();
    for hop in hops.into_iter().rev() {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if is_trusted(ip) => continue,
            Ok(ip) => return ip,
            Err(_) => return peer,
        }
    }
    peer
}

/// The value of one cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k.trim() == name).then(|| v.trim().to_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", xff.parse().expect("header"));
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn forwarded_for_is_ignored_from_untrusted_peers() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().expect("net")];
        assert_eq!(
            client_ip(ip("203.0.113.9"), &headers("1.2.3.4"), &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_ip(ip("203.0.113.9"), &headers("1.2.3.4"), &[]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().expect("net")];
        // The client forged "6.6.6.6"; our proxy appended the address it saw.
        assert_eq!(
            client_ip(
                ip("10.0.0.2"),
                &headers("6.6.6.6, 198.51.100.7, 10.0.0.3"),
                &trusted
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(ip("10.0.0.2"), &HeaderMap::new(), &trusted),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn an_unparsable_hop_falls_back_to_the_peer() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().expect("net")];
        // "junk" stands between the client's forged entry and our proxy: never skip it.
        assert_eq!(
            client_ip(
                ip("10.0.0.2"),
                &headers("6.6.6.6, junk, 10.0.0.3"),
                &trusted
            ),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_ip(
                ip("10.0.0.2"),
                &headers("6.6.6.6, 198.51.100.7:443"),
                &trusted
            ),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn ipv6_counts_by_its_64_and_mapped_v4_as_v4() {
        assert_eq!(ip_bucket(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(
            ip_bucket(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")),
            ip_bucket(ip("2001:db8:1:2::7"))
        );
        assert_ne!(
            ip_bucket(ip("2001:db8:1:3::1")),
            ip_bucket(ip("2001:db8:1:2::1"))
        );
        assert_eq!(ip_bucket(ip("::ffff:192.0.2.1")), "192.0.2.1");
        assert_eq!(ip_bucket(ip("192.0.2.1")), "192.0.2.1");
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::COOKIE,
            "a=1; cpd_session=abc; lang=sv".parse().expect("header"),
        );
        assert_eq!(cookie(&h, "cpd_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "missing"), None);
    }
}
