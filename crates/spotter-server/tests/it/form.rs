//! A small reader of the pages' HTML for the tests: the forms, their inputs and buttons, the
//! questions' fieldsets, and a browser's way of submitting a form.

/// One tag's attributes, in order.
pub type Attrs = Vec<(String, String)>;

pub fn attr<'a>(a: &'a Attrs, name: &str) -> Option<&'a str> {
    a.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Undoes the escaping of `spotter_server`'s pages.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// Every `<tag ...>` in `html`, with its attributes (values unescaped).
pub fn tags(html: &str, tag: &str) -> Vec<Attrs> {
    let open = format!("<{tag}");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let end = after.find('>').expect("tag closes");
        if after.starts_with([' ', '>', '\n']) {
            out.push(parse_attrs(&after[..end]));
        }
        rest = &after[end..];
    }
    out
}

fn parse_attrs(s: &str) -> Attrs {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let name_end = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        let name = rest[..name_end].to_string();
        rest = &rest[name_end..];
        if let Some(r) = rest.strip_prefix("=\"") {
            let close = r.find('"').expect("attribute value closes");
            out.push((name, unescape(&r[..close])));
            rest = r[close + 1..].trim_start();
        } else {
            out.push((name, String::new()));
            rest = rest.trim_start();
        }
    }
    out
}

/// The text between the first `<form ... action="ACTION">` and its `</form>`.
pub fn form_html<'a>(html: &'a str, action: &str) -> Option<&'a str> {
    let marker = format!("action=\"{action}\"");
    let start = html.find(&marker)?;
    let end = html[start..].find("</form>")? + start;
    Some(&html[start..end])
}

/// What a browser sends for `form` when the person picks `choose(name, kind, values offered)`:
/// hidden fields as they are, then for each question the chosen values.
pub fn submit(form: &str, mut choose: impl FnMut(&str, &str, &[String]) -> Vec<String>) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut questions: Vec<(String, String, Vec<String>)> = Vec::new();
    for a in tags(form, "input") {
        let (Some(ty), Some(name)) = (attr(&a, "type"), attr(&a, "name")) else { continue };
        let value = attr(&a, "value").unwrap_or("").to_string();
        if ty == "hidden" {
            pairs.push((name.to_string(), value));
            continue;
        }
        match questions.iter_mut().find(|(n, _, _)| n == name) {
            Some(q) => q.2.push(value),
            None => questions.push((name.to_string(), ty.to_string(), vec![value])),
        }
    }
    for (name, ty, offered) in &questions {
        for v in choose(name, ty, offered) {
            pairs.push((name.clone(), v));
        }
    }
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

/// The fieldsets of the questions on a page: (item id, legend, the fieldset's HTML).
pub fn questions(html: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<fieldset class=\"q\" id=\"q-") {
        let after = &rest[i..];
        let end = after.find("</fieldset>").expect("fieldset closes");
        let block = &after[..end];
        let id = block["<fieldset class=\"q\" id=\"q-".len()..].split('"').next().unwrap_or("").to_string();
        let legend = block.split("<legend>").nth(1).and_then(|l| l.split("</legend>").next()).map(unescape).unwrap_or_default();
        out.push((id, legend, block.to_string()));
        rest = &after[end..];
    }
    out
}
