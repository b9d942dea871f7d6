//! The OpenAPI 3.1 document served at `/api/openapi.json`, written by hand next to the
//! routes it describes (its list of error codes comes from [`ErrorCode`]); `tests.rs`
//! checks that every route in it answers.

use serde_json::{json, Value};

use crate::ErrorCode;

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

/// A story id that left the dossier: the story it was merged into holds its articles.
fn moved_response() -> Value {
    json!({
        "description": "The story was merged into another; `Location` is the same request for that story",
        "headers": {"Location": {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": {
            "type": "object",
            "required": ["moved_to"],
            "properties": {"moved_to": {"type": "string", "description": "Id of the story that holds the articles now"}}
        }}}
    })
}

fn id_parameter(what: &str) -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": format!("{what} id")})
}

/// The document, as pretty-printed JSON.
pub fn document() -> String {
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.code()).collect();
    let doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "corroborate",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Stories, facts and their evidence from a corroborate store. Dossier records follow schema/dossier.v1.schema.json (schema_version 1)."
        },
        "paths": {
            "/api/health": {"get": {
                "summary": "Counts and dossier version",
                "responses": {"200": {"description": "The store is readable", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}}
            }},
            "/api/stories": {"get": {
                "summary": "Stories, newest activity first",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Words that the story's articles or facts must all contain"},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
                    {"name": "from", "in": "query", "schema": {"type": "string"}, "description": "Only stories with an article published on or after this date (YYYY-MM-DD, YYYY-MM or YYYY)"},
                    {"name": "to", "in": "query", "schema": {"type": "string"}, "description": "Only stories with an article published on or before this date (the whole day)"},
                    {"name": "outlet", "in": "query", "schema": {"type": "string"}, "description": "Only stories with an article from this outlet (case-insensitive for ASCII letters, whole name, as listed in `outlets`)"},
                    {"name": "language", "in": "query", "schema": {"type": "string"}, "description": "Only stories with an article in this language (primary subtag: en takes en-GB)"},
                    {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["corroborated", "contested", "single_source"]}, "description": "corroborated / contested: at least one fact with that status; single_source: no fact corroborated or contested"}
                ],
                "responses": {
                    "200": {"description": "A page of stories", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StoryPage"}}}},
                    "400": error_response("Unreadable query parameters")
                }
            }},
            "/api/stories/{id}": {"get": {
                "summary": "The story's dossier (schema 1): the story, its articles, copies, entities and facts with evidence",
                "parameters": [id_parameter("Story")],
                "responses": {
                    "200": {"description": "Dossier restricted to the story", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dossier"}}}},
                    "307": moved_response(),
                    "404": error_response("Unknown story")
                }
            }},
            "/api/stories/{id}/export/{format}": {"get": {
                "summary": "The story's dossier rendered as json, markdown, html, csv (facts), prov (PROV-JSON) or jsonld (schema.org Claims)",
                "parameters": [id_parameter("Story"), {"name": "format", "in": "path", "required": true, "schema": {"enum": ["json", "markdown", "html", "csv", "prov", "jsonld"]}}],
                "responses": {
                    "200": {"description": "The rendering"},
                    "307": moved_response(),
                    "404": error_response("Unknown story or format")
                }
            }},
            "/api/articles": {"post": {
                "summary": "Ingest articles and bring the dossier up to date",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"oneOf": [
                    {"$ref": "#/components/schemas/ArticleInput"},
                    {"type": "array", "items": {"$ref": "#/components/schemas/ArticleInput"}}
                ]}}}},
                "responses": {
                    "201": {"description": "At least one article was stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IngestResult"}}}},
                    "200": {"description": "Every article was already stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IngestResult"}}}},
                    "202": {"description": "The articles are stored but the dossier could not be brought up to date (a full disk, a failed analysis): `dossier_pending` says why; the next write retries", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IngestResult"}}}},
                    "400": error_response("Malformed JSON or no readable article"),
                    "403": error_response("Refused by the access policy, or the database is read-only here"),
                    "507": error_response("The database could not be written (disk full): nothing was stored"),
                    "413": error_response("Body over the configured limit")
                }
            }},
            "/api/articles/{id}": {"get": {
                "summary": "One article (as analysed) and its story",
                "parameters": [id_parameter("Article")],
                "responses": {
                    "200": {"description": "The article", "content": {"application/json": {"schema": {"type": "object", "required": ["article", "story", "seq"], "properties": {"article": {"type": "object"}, "story": {"type": ["string", "null"]}, "seq": {"type": "integer"}}}}}},
                    "404": error_response("Unknown article")
                }
            }},
            "/api/facts/{id}": {"get": {
                "summary": "One fact with its evidence",
                "parameters": [id_parameter("Fact")],
                "responses": {
                    "200": {"description": "The fact (dossier schema 1 `facts[]` record)", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "404": error_response("Unknown fact")
                }
            }},
            "/feed.atom": {"get": {
                "summary": "Atom feed of the stories, newest activity first (at most 50): title, link to the story page, when its newest change was recorded, counts and brief",
                "responses": {"200": {"description": "An Atom 1.0 document (RFC 4287)", "content": {"application/atom+xml": {"schema": {"type": "string"}}}}}
            }},
            "/stories/{id}/feed.atom": {"get": {
                "summary": "Atom feed of one story's changes, newest first (at most 100): new stories, new facts and status changes",
                "parameters": [id_parameter("Story")],
                "responses": {
                    "200": {"description": "An Atom 1.0 document (RFC 4287)", "content": {"application/atom+xml": {"schema": {"type": "string"}}}},
                    "307": moved_response(),
                    "404": error_response("Unknown story")
                }
            }},
            "/api/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}}
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["message", "code"], "properties": {
                "message": {"type": "string"},
                "code": {"type": "string", "enum": codes, "description": "docs/api.md lists what each code means"}
            }},
            "Health": {"type": "object", "properties": {
                "status": {"const": "ok"}, "schema_version": {"type": "integer"}, "articles": {"type": "integer"},
                "stories": {"type": "integer"}, "facts": {"type": "integer"}, "dossier_version": {"type": "integer"}, "pending": {"type": "integer"}
            }},
            "StoryPage": {"type": "object", "required": ["stories", "total", "page", "per_page"], "properties": {
                "stories": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "string"}, "title": {"type": "string"}, "articles": {"type": "integer"}, "facts": {"type": "integer"},
                    "corroborated": {"type": "integer"}, "contested": {"type": "integer"}, "last_activity": {"type": "integer"},
                    "first_published": {"type": ["string", "null"]}, "last_published": {"type": ["string", "null"]},
                    "outlets": {"type": "array", "items": {"type": "string"}}, "languages": {"type": "array", "items": {"type": "string"}}
                }}},
                "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}
            }},
            "Dossier": {"type": "object", "description": "See schema/dossier.v1.schema.json", "required": ["schema_version", "articles", "copies", "stories", "entities", "facts"]},
            "ArticleInput": {"type": "object", "required": ["text"], "properties": {
                "id": {"type": ["string", "number"]}, "text": {"type": "string"}, "maintext": {"type": "string"}, "title": {"type": "string"},
                "url": {"type": "string"}, "published": {"type": "string"}, "date_publish": {"type": "string"}, "outlet": {"type": "string"},
                "source_domain": {"type": "string"}, "language": {"type": "string"}
            }},
            "IngestResult": {"type": "object", "properties": {
                "stored": {"type": "array", "items": {"type": "string"}},
                "unchanged": {"type": "array", "items": {"type": "array"}},
                "renamed": {"type": "array", "items": {"type": "array"}},
                "diagnostics": {"type": "array", "items": {"type": "string"}},
                "dossier_version": {"type": "integer"},
                "dossier_pending": {"type": "string", "description": "Only when answered 202: why the dossier is not up to date"}
            }}
        }}
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
