//! The OpenAPI 3.1 description of the server, built in code from [`ROUTES`], the table of every
//! route. Hand-built rather than derived with utoipa: the answer types live in `spotter-wire`,
//! which stays free of web crates, so they cannot carry utoipa's derive. Tests keep the table
//! honest: every route in it answers, and the schemas' fields are the fields the routes send.

use serde_json::{Value, json};

/// One route of the server.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub query: &'static [Param],
    pub body: Body,
    /// Status, description, content type, schema name (in `components.schemas`, or "" for none).
    pub responses: &'static [(u16, &'static str, &'static str, &'static str)],
}

#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub required: bool,
    pub schema: &'static str,
    pub description: &'static str,
}

/// What a route reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    None,
    /// An answers object, as `spotter triage --answers`.
    Answers,
    /// `{"answers": {...}, "analysis": {...}?}` or a bare answers object.
    Request,
    /// A check form (`application/x-www-form-urlencoded`, fields named by item id).
    Form,
    /// A diary entry (spec/memory.md's entry JSON).
    Entry,
}

const JSON: &str = "application/json";
const HTML: &str = "text/html";

const ERRORS: [(u16, &str, &str, &str); 4] = [
    (400, "Malformed JSON, not an object, not UTF-8, empty, or a bad query parameter", JSON, "Error"),
    (413, "The body is over 64 KiB", JSON, "Error"),
    (415, "The body is not JSON", JSON, "Error"),
    (422, "Invalid or incomplete answers (`items` names them), or a bad value", JSON, "Error"),
];

const MINUTES: Param = Param { name: "minutes", required: false, schema: "number", description: "Warm-up budget in minutes, 5 to 10 (default 5.5)" };

/// Every route the server answers.
pub const ROUTES: &[Route] = &[
    Route { method: "get", path: "/healthz", summary: "Liveness", query: &[], body: Body::None, responses: &[(200, "Serving", JSON, "Health")] },
    Route {
        method: "post",
        path: "/api/v1/triage",
        summary: "Triage: how soon this back pain needs care (the JSON of `spotter triage --format json`)",
        query: &[],
        body: Body::Answers,
        responses: &[(200, "The triage document", JSON, "TriageDoc"), ERRORS[0], ERRORS[1], ERRORS[2], ERRORS[3]],
    },
    Route {
        method: "post",
        path: "/api/v1/explain",
        summary: "Likely causes (the JSON of `spotter explain --format json`)",
        query: &[],
        body: Body::Request,
        responses: &[(200, "The explain document", JSON, "ExplainDoc"), ERRORS[0], ERRORS[1], ERRORS[2], ERRORS[3]],
    },
    Route {
        method: "post",
        path: "/api/v1/plan",
        summary: "The plan's five blocks (the JSON of `spotter plan --format json`)",
        query: &[MINUTES],
        body: Body::Request,
        responses: &[(200, "The plan document", JSON, "PlanDoc"), ERRORS[0], ERRORS[1], ERRORS[2], ERRORS[3]],
    },
    Route {
        method: "post",
        path: "/api/v1/card",
        summary: "The printable card of the plan",
        query: &[Param { name: "format", required: true, schema: "string", description: "pdf, png or svg" }, MINUTES],
        body: Body::Request,
        responses: &[
            (200, "The card as PDF (application/pdf), PNG (image/png) or SVG (image/svg+xml)", "application/pdf", ""),
            ERRORS[0],
            ERRORS[1],
            ERRORS[2],
            ERRORS[3],
        ],
    },
    Route {
        method: "post",
        path: "/api/v1/diary",
        summary: "Log a day in the diary (as `spotter diary add --entry`); one entry per date",
        query: &[Param { name: "replace", required: false, schema: "boolean", description: "Replace the date's entry (the old one is kept)" }],
        body: Body::Entry,
        responses: &[
            (201, "Stored, durably: the entry's id", JSON, "Created"),
            ERRORS[0],
            (409, "The date has an entry already (send ?replace=true to replace it)", JSON, "Error"),
            ERRORS[1],
            ERRORS[2],
            (422, "A field is invalid (`fields` names it): a pain over 10, a future date, an unknown exercise or item", JSON, "Error"),
            (503, "The server has no diary", JSON, "Error"),
        ],
    },
    Route {
        method: "get",
        path: "/api/v1/diary",
        summary: "The diary's entries in date order, each with its id (as `spotter diary list --format json`)",
        query: &[],
        body: Body::None,
        responses: &[(200, "The entries", JSON, "EntryList"), (503, "The server has no diary", JSON, "Error")],
    },
    Route {
        method: "get",
        path: "/api/v1/diary/status",
        summary: "What the record says: derived items, the status triage, alerts, warm-up view (as `spotter diary status --format json`)",
        query: &[],
        body: Body::None,
        responses: &[(200, "The status", JSON, "DiaryStatus"), (503, "The server has no diary", JSON, "Error")],
    },
    Route {
        method: "post",
        path: "/api/v1/checks",
        summary: "Triage the answers and save them with the result in the diary (as `spotter diary check`)",
        query: &[Param { name: "date", required: false, schema: "string", description: "The check's date, YYYY-MM-DD, not after today (default today)" }],
        body: Body::Answers,
        responses: &[(201, "Saved, durably: the triage document", JSON, "TriageDoc"), ERRORS[0], ERRORS[1], ERRORS[2], ERRORS[3], (503, "The server has no diary", JSON, "Error")],
    },
    Route {
        method: "get",
        path: "/api/v1/export",
        summary: "The diary as a file (as `spotter export`)",
        query: &[Param { name: "format", required: true, schema: "string", description: "json (re-importable), csv, fhir (an R4 collection Bundle) or pdf (a one-page summary for a clinician)" }],
        body: Body::None,
        responses: &[
            (200, "The export: application/json, text/csv, application/fhir+json or application/pdf", JSON, ""),
            (400, "format missing or unknown", JSON, "Error"),
            (503, "The server has no diary", JSON, "Error"),
        ],
    },
    Route { method: "get", path: "/api/v1/openapi.json", summary: "This description", query: &[], body: Body::None, responses: &[(200, "OpenAPI 3.1", JSON, "")] },
    Route { method: "get", path: "/", summary: "Page: what Spotter is, the disclaimer, the emergency list", query: &[], body: Body::None, responses: &[(200, "Page", HTML, "")] },
    Route { method: "get", path: "/check", summary: "Page: the check's first questions", query: &[], body: Body::None, responses: &[(200, "Page", HTML, "")] },
    Route {
        method: "post",
        path: "/check",
        summary: "Page: the next questions, or the result (at once for an emergency), causes and plan",
        query: &[],
        body: Body::Form,
        responses: &[(200, "Page", HTML, ""), (413, "Form over 64 KiB", HTML, ""), (415, "Not a form", HTML, ""), (422, "A field that is not an answer", HTML, "")],
    },
    Route { method: "get", path: "/plan", summary: "Page: how to get a plan", query: &[], body: Body::None, responses: &[(200, "Page", HTML, "")] },
    Route {
        method: "post",
        path: "/plan",
        summary: "Page: the printable plan of complete answers",
        query: &[],
        body: Body::Form,
        responses: &[(200, "Page", HTML, ""), (422, "Answers incomplete or invalid", HTML, "")],
    },
    Route {
        method: "post",
        path: "/plan/card",
        summary: "The card of complete answers as a download (form field `format`: pdf, png or svg)",
        query: &[],
        body: Body::Form,
        responses: &[(200, "The card", "application/pdf", ""), (422, "Answers incomplete or invalid", HTML, "")],
    },
    Route { method: "get", path: "/diary", summary: "Page: the diary (alerts, log a day, the pain chart, the warm-up view)", query: &[], body: Body::None, responses: &[(200, "Page", HTML, "")] },
    Route {
        method: "post",
        path: "/diary",
        summary: "Page form: log a day (fields date, pain_now, trained, exercises, warmed_up, pain_after_training, worse_at_night, note, replace)",
        query: &[],
        body: Body::Form,
        responses: &[(303, "Saved: to /diary", HTML, ""), (409, "The date has an entry: offers to replace it", HTML, ""), (422, "A field is invalid", HTML, "")],
    },
    Route {
        method: "post",
        path: "/diary/check",
        summary: "Page form: save the check's answers (fields named by item id) and its result in the diary",
        query: &[],
        body: Body::Form,
        responses: &[(303, "Saved: to /diary", HTML, ""), (422, "A field is not an answer", HTML, "")],
    },
    Route {
        method: "post",
        path: "/plan/calendar",
        summary: "The plan's reminders as an iCalendar file (form fields: the answers, leg_days, work_days, session_time, work_start, work_end)",
        query: &[],
        body: Body::Form,
        responses: &[(200, "The calendar", "text/calendar", ""), (422, "Answers incomplete, a bad day or time, or nothing to remind of", HTML, "")],
    },
    Route { method: "get", path: "/warmup", summary: "Page: how to get to the warm-up player", query: &[], body: Body::None, responses: &[(200, "Page", HTML, "")] },
    Route {
        method: "post",
        path: "/warmup",
        summary: "Page: the guided warm-up player of complete answers (form fields by item id, `minutes`)",
        query: &[],
        body: Body::Form,
        responses: &[(200, "Page", HTML, ""), (422, "Answers incomplete or invalid, or no warm-up at this tier", HTML, "")],
    },
    Route { method: "get", path: "/assets/warmup.js", summary: "The warm-up player's script", query: &[], body: Body::None, responses: &[(200, "JavaScript", "text/javascript", "")] },
    Route { method: "get", path: "/assets/style.css", summary: "The stylesheet", query: &[], body: Body::None, responses: &[(200, "CSS", "text/css", "")] },
];

fn string_list() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

/// The top-level fields of each answer document, with their JSON types.
pub const DOC_FIELDS: &[(&str, &[(&str, &str)])] = &[
    (
        "TriageDoc",
        &[
            ("tier", "string"),
            ("label", "string"),
            ("headline", "string"),
            ("next_steps", "array"),
            ("call_script", "string|null"),
            ("reasons", "array"),
            ("unanswered_could_raise", "array"),
            ("not_answered", "array"),
            ("disclaimer", "string"),
            ("spotter_version", "string"),
        ],
    ),
    ("ExplainDoc", &[("tier", "string"), ("headline", "string"), ("causes", "array"), ("refused", "string"), ("disclaimer", "string")]),
    (
        "PlanDoc",
        &[
            ("tier", "string"),
            ("headline", "string"),
            ("advice", "string"),
            ("warmup_seconds", "integer"),
            ("causes", "array"),
            ("blocks", "array"),
            ("disclaimer", "string"),
        ],
    ),
];

/// Fields a document always has (the others are left out when empty).
const OPTIONAL_FIELDS: [&str; 2] = ["refused", "advice"];

fn doc_schema(fields: &[(&str, &str)]) -> Value {
    let mut props = serde_json::Map::new();
    for (name, ty) in fields {
        let schema = match *ty {
            "string|null" => json!({"type": ["string", "null"]}),
            "array" => json!({"type": "array", "items": {}}),
            t => json!({"type": t}),
        };
        props.insert(name.to_string(), schema);
    }
    let required: Vec<&str> = fields.iter().map(|(n, _)| *n).filter(|n| !OPTIONAL_FIELDS.contains(n)).collect();
    json!({"type": "object", "properties": props, "required": required})
}

fn request_body(body: Body) -> Option<Value> {
    let answers = json!({"$ref": "#/components/schemas/Answers"});
    match body {
        Body::None => None,
        Body::Answers => Some(json!({"required": true, "content": {JSON: {"schema": answers}}})),
        Body::Request => Some(json!({"required": true, "content": {JSON: {"schema": {"$ref": "#/components/schemas/Request"}}}})),
        Body::Entry => Some(json!({"required": true, "content": {JSON: {"schema": {"$ref": "#/components/schemas/Entry"}}}})),
        Body::Form => Some(json!({"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "additionalProperties": true}}}})),
    }
}

/// The OpenAPI 3.1 document of [`ROUTES`].
pub fn openapi_document() -> Value {
    let mut paths = serde_json::Map::new();
    for r in ROUTES {
        let mut op = serde_json::Map::new();
        op.insert("summary".into(), r.summary.into());
        op.insert("operationId".into(), format!("{}{}", r.method, r.path.replace(['/', '.'], "_")).into());
        if !r.query.is_empty() {
            let params: Vec<Value> = r
                .query
                .iter()
                .map(|p| json!({"name": p.name, "in": "query", "required": p.required, "description": p.description, "schema": {"type": p.schema}}))
                .collect();
            op.insert("parameters".into(), params.into());
        }
        if let Some(b) = request_body(r.body) {
            op.insert("requestBody".into(), b);
        }
        let mut responses = serde_json::Map::new();
        for (status, description, ct, schema) in r.responses {
            let schema = if schema.is_empty() { json!({}) } else { json!({"$ref": format!("#/components/schemas/{schema}")}) };
            responses.insert(status.to_string(), json!({"description": description, "content": {*ct: {"schema": schema}}}));
        }
        op.insert("responses".into(), responses.into());
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        if let Some(obj) = entry.as_object_mut() {
            obj.insert(r.method.to_string(), Value::Object(op));
        }
    }
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}, "items": string_list(), "fields": string_list()}}),
    );
    schemas.insert("Health".into(), json!({"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}));
    schemas.insert(
        "Answers".into(),
        json!({"type": "object", "description": "Item id to value (true/false, a number, a choice id or a list of them), as `spotter triage --answers`; null means not answered", "additionalProperties": true}),
    );
    schemas.insert(
        "Request".into(),
        json!({"oneOf": [
            {"$ref": "#/components/schemas/Answers"},
            {"type": "object", "required": ["answers"], "additionalProperties": false, "properties": {
                "answers": {"$ref": "#/components/schemas/Answers"},
                "analysis": {"type": ["object", "null"], "description": "A `spotter analyze --format json` document"}
            }}
        ]}),
    );
    schemas.insert(
        "Entry".into(),
        json!({"type": "object", "required": ["date", "pain_now", "trained"], "properties": {
            "date": {"type": "string", "format": "date"},
            "pain_now": {"type": "integer", "minimum": 0, "maximum": 10},
            "pain_worst_24h": {"type": "integer", "minimum": 0, "maximum": 10},
            "trained": {"type": "boolean"},
            "exercises": string_list(),
            "warmed_up": {"type": "boolean"},
            "pain_after_training": {"type": "integer", "minimum": 0, "maximum": 10},
            "worse_at_night": {"type": "boolean"},
            "onset_date": {"type": "string", "format": "date"},
            "answers": {"$ref": "#/components/schemas/Answers"},
            "note": {"type": "string", "maxLength": 2000}
        }}),
    );
    schemas.insert("Created".into(), json!({"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}));
    schemas.insert(
        "EntryList".into(),
        json!({"type": "object", "required": ["entries"], "properties": {"entries": {"type": "array", "items": {"$ref": "#/components/schemas/Entry"}}}}),
    );
    schemas.insert(
        "DiaryStatus".into(),
        json!({"type": "object", "required": ["derived", "triage", "alerts"], "properties": {
            "as_of": {"type": ["string", "null"]},
            "derived": {"type": "object"},
            "triage": {"oneOf": [{"$ref": "#/components/schemas/TriageDoc"}, {"type": "null"}]},
            "alerts": {"type": "array", "items": {"type": "object", "required": ["id", "severity", "message"]}},
            "adherence": {"type": ["object", "null"]}
        }}),
    );
    for (name, fields) in DOC_FIELDS {
        schemas.insert(name.to_string(), doc_schema(fields));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Spotter",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Triage, causes and plan for lower back pain on leg day, served on your own machine. The JSON answers are those of the command line's --format json for the same input."
        },
        "paths": paths,
        "components": {"schemas": schemas}
    })
}
