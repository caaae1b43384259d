//! Unit tests of the configuration checks and `--addr` parsing.

use super::*;

fn config(addr: &str) -> ServeConfig {
    ServeConfig { addr: addr.parse().expect("test address"), ..ServeConfig::new(PathBuf::from("/tmp/spotter-data")) }
}

#[test]
fn loopback_without_tls_is_served() {
    assert_eq!(check_config(&config("127.0.0.1:8080")), Ok(()));
    assert_eq!(check_config(&config("127.0.0.1:0")), Ok(()));
    assert_eq!(check_config(&config("[::1]:8080")), Ok(()));
}

#[test]
fn a_network_address_without_tls_is_refused_with_the_reason() {
    for addr in ["0.0.0.0:8080", "192.168.1.20:8080", "[::]:8080"] {
        let err = check_config(&config(addr)).expect_err(addr);
        assert_eq!(err, ConfigError::NetworkWithoutTls { addr: addr.parse().expect("addr") });
        let msg = err.to_string();
        assert!(msg.contains("needs TLS"), "{msg}");
        assert!(msg.contains("browsers drop secure cookies and the screen wake lock"), "{msg}");
        assert!(msg.contains("--tls self-signed"), "{msg}");
    }
}

#[test]
fn tls_is_refused_until_it_is_built() {
    let mut c = config("0.0.0.0:8443");
    c.tls = Some(Tls::SelfSigned);
    assert_eq!(check_config(&c), Err(ConfigError::TlsNotAvailable));
}

#[test]
fn addr_parsing() {
    assert_eq!(parse_addr("127.0.0.1:0"), Ok("127.0.0.1:0".parse().expect("addr")));
    assert_eq!(parse_addr("localhost:8080"), Ok("127.0.0.1:8080".parse().expect("addr")));
    assert_eq!(parse_addr("[::1]:9000"), Ok("[::1]:9000".parse().expect("addr")));
    for bad in ["", "8080", "example.com:80", "localhost:99999", "localhost", "127.0.0.1"] {
        assert_eq!(parse_addr(bad), Err(ConfigError::BadAddr { given: bad.to_string() }), "{bad}");
    }
}
