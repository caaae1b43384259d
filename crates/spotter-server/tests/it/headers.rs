//! Security headers on every answer, no caching of answers, and the stylesheet's rules the spec
//! relies on (the call script in the largest type, a print layout without the app's chrome).

use super::*;

async fn samples() -> Vec<(&'static str, Resp)> {
    vec![
        ("/", get("/").await),
        ("/check", get("/check").await),
        ("/healthz", get("/healthz").await),
        ("triage", post_json("/api/v1/triage", SELF_CARE).await),
        ("triage error", post_json("/api/v1/triage", "[").await),
        ("api 404", get("/api/v1/nope").await),
        ("page 404", get("/nope").await),
        ("405", get("/api/v1/plan").await),
        ("css", get("/assets/style.css").await),
        ("openapi", get("/api/v1/openapi.json").await),
    ]
}

#[tokio::test]
async fn every_answer_has_the_security_headers() {
    for (what, r) in samples().await {
        let h = |name: &str| r.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("{what}: no {name}")).to_string();
        let csp = h("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{what}: {csp}");
        assert!(csp.contains("default-src 'none'"), "{what}: {csp}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
        assert_eq!(h("referrer-policy"), "no-referrer", "{what}");
        assert_eq!(h("x-frame-options"), "DENY", "{what}");
    }
}

#[tokio::test]
async fn answers_are_not_cached_and_the_stylesheet_is_revalidated() {
    for (what, r) in samples().await {
        let cc = r.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).unwrap_or("");
        let expected = if what == "css" { "no-cache" } else { "no-store" };
        assert_eq!(cc, expected, "{what}");
    }
    let css = get("/assets/style.css").await;
    assert_eq!(css.content_type(), "text/css; charset=utf-8");
}

#[tokio::test]
async fn pages_have_no_inline_script_or_style_and_load_nothing_from_another_host() {
    for (what, r) in samples().await {
        if !r.content_type().starts_with("text/html") {
            continue;
        }
        let html = r.text();
        assert!(!html.contains("<script"), "{what}: no script is needed");
        assert!(!html.contains("style=") && !html.contains("<style"), "{what}: inline style");
        assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("src=\"//"), "{what}: another host");
    }
}

/// The `font-size` values of `selector`'s rules, in order (outside and inside media queries).
fn font_sizes(css: &str, selector: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let mut rest = css;
    while let Some(i) = rest.find(selector) {
        let after = &rest[i + selector.len()..];
        let rule_start = after.find('{').expect("a rule");
        let is_selector = after[..rule_start].trim().is_empty() || after[..rule_start].trim_start().starts_with(',');
        let rule_end = after.find('}').expect("rule ends");
        if is_selector && rule_start < rule_end {
            let rule = &after[rule_start..rule_end];
            if let Some(fs) = rule.split("font-size:").nth(1) {
                let v = fs.trim().trim_end_matches(';').split(|c: char| c == ';' || c.is_whitespace()).next().unwrap_or("");
                if let Some(rem) = v.strip_suffix("rem") {
                    out.push(rem.parse().expect("a number"));
                }
            }
        }
        rest = &after[rule_end..];
    }
    out
}

#[test]
fn the_call_script_has_the_largest_type_at_every_width() {
    let css = include_str!("../../../../web/style.css");
    let screen = css.split("@media print").next().expect("screen rules");
    let (phone, wide) = screen.split_once("@media (min-width").expect("phone and wide rules");
    for (width, rules) in [("phone", phone), ("wide", wide)] {
        let script = font_sizes(rules, ".call-script");
        assert_eq!(script.len(), 1, "{width}: {script:?}");
        let mut others = Vec::new();
        for sel in ["h1", "h2", "h3", ".brand", ".call-label", "body", "legend"] {
            others.extend(font_sizes(rules, sel).into_iter().map(|v| (sel, v)));
        }
        assert!(!others.is_empty(), "{width}");
        for (sel, v) in others {
            assert!(v < script[0], "{width}: {sel} at {v} rem is not smaller than the call script's {} rem", script[0]);
        }
    }
    // On wide screens the headings grow, so the call script has to grow with them.
    assert!(!font_sizes(wide, "h1").is_empty());
}

#[test]
fn the_print_stylesheet_hides_the_apps_chrome() {
    let css = include_str!("../../../../web/style.css");
    let print = css.split("@media print").nth(1).expect("print rules");
    for chrome in [".site-header", ".site-footer nav", ".skip", ".actions", "form"] {
        let hidden = print.lines().any(|l| l.contains("display: none") && l.contains(chrome));
        assert!(hidden, "{chrome} is printed");
    }
}
