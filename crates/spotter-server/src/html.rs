//! HTML by hand: escaping, and the page layout from `web/` (embedded at build time). Every text
//! that reaches a page goes through [`esc`]; the layout's `{{name}}` slots are filled in one pass,
//! so text placed in a slot is never read as a slot itself.

/// The page frame (`web/layout.html`) and the site header (`web/header.html`).
pub const LAYOUT: &str = include_str!("../../../web/layout.html");
pub const HEADER: &str = include_str!("../../../web/header.html");
/// The stylesheet served at `/assets/style.css`.
pub const STYLE_CSS: &str = include_str!("../../../web/style.css");

/// Escapes text for HTML content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Fills `{{name}}` slots of `template` from `slots` in one pass; an unknown slot stays as it is
/// (a test checks that the layout has no such slot).
pub fn fill(template: &str, slots: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + slots.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let name = &after[..end];
                match slots.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push_str("{{");
                        out.push_str(name);
                        out.push_str("}}");
                    }
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// One page: its title (plain text), its `<main>` (HTML), and whether the site header comes
/// first (an emergency result has nothing before the call script).
pub struct Page<'a> {
    pub title: &'a str,
    pub main: String,
    pub header: bool,
    pub body_class: &'a str,
}

impl Page<'_> {
    pub fn render(&self, disclaimer: &str) -> String {
        fill(
            LAYOUT,
            &[
                ("title", &esc(self.title)),
                ("body_class", &esc(self.body_class)),
                ("header", if self.header { HEADER } else { "" }),
                ("main", &self.main),
                ("disclaimer", &esc(disclaimer)),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esc_escapes_markup_and_quotes() {
        assert_eq!(esc(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn fill_is_one_pass() {
        // A value that looks like a slot is not filled again.
        assert_eq!(fill("<{{a}}|{{b}}>", &[("a", "{{b}}"), ("b", "B")]), "<{{b}}|B>");
        assert_eq!(fill("x {{unknown}} {{", &[]), "x {{unknown}} {{");
    }

    #[test]
    fn the_layout_has_only_known_slots() {
        let page = Page { title: "T", main: "M".into(), header: true, body_class: "c" }.render("D");
        assert!(!page.contains("{{"), "{page}");
        assert!(page.contains("<main id=\"main\">\nM\n</main>"));
        assert!(page.contains("<p class=\"disclaimer\">D</p>"));
    }
}
