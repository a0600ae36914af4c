"""The OpenAPI 3.1 description of /api/v1 (CONTRACT.md), served at /api/v1/openapi.json without sign-in.

Written by hand beside the endpoints it describes: the contract is the document, and tests/web/test_openapi.py
runs schemathesis against a live server to prove every answer matches it and none is a 500.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from lms.web.inputs import CONTROL_IN_TEXT

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")

ERROR = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


COMMON_ERRORS = {
    "400": _error("The request is malformed (a bad date, a control character, a missing field)"),
    "401": _error("No session and no valid bearer token"),
    "429": _error("Too many requests: wait a minute"),
    "503": _error("The service is busy (another change holds a lock): nothing changed, try again"),
}

PACKAGE = {
    "type": "object",
    "required": ["relevant", "complete", "percent"],
    "properties": {
        "relevant": {"type": "integer", "minimum": 0},
        "complete": {"type": "integer", "minimum": 0},
        "percent": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
        "overdue": {"type": "integer", "minimum": 0},
        "not_yet_due": {"type": "integer", "minimum": 0},
    },
}

FORCE = {
    "type": "object",
    "required": ["code", "name", "region", "rank", "elearning", "hydra", "overall", "modules", "unmatched_records",
                 "last_upload"],
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "region": {"type": "string"},
        "rank": {"type": ["integer", "null"], "minimum": 1},
        "elearning": {"$ref": "#/components/schemas/Package"},
        "hydra": {"$ref": "#/components/schemas/Package"},
        "overall": {"$ref": "#/components/schemas/Package"},
        "modules": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "unmatched_records": {"type": "integer", "minimum": 0},
        "last_upload": {"type": "object", "additionalProperties": {"type": ["string", "null"], "format": "date"}},
        "status": {"type": "string", "description": "the status band as pages and emails say it, e.g. "
                                                     "\"Behind, overdue since 30 April 2026\""},
    },
}

LEAGUE_TABLE = {
    "type": "object",
    "required": ["as_of", "deadline", "forces"],
    "properties": {
        "as_of": {"type": "string", "format": "date"},
        "deadline": {"type": "string", "format": "date"},
        "forces": {"type": "array", "items": {"$ref": "#/components/schemas/Force"}},
    },
}

ROW_ERROR = {
    "type": "object",
    "required": ["row", "message"],
    "properties": {"row": {"type": ["integer", "null"]}, "column": {"type": ["string", "null"]},
                   "message": {"type": "string"}},
}

SUMMARY = {
    "type": "object",
    "required": ["id", "kind", "force", "status", "filename", "sha256", "errors", "warnings"],
    "properties": {
        "id": {"type": ["integer", "null"]},
        "kind": {"type": "string", "enum": ["roster", "college-learn", "hydra"]},
        "force": {"type": ["string", "null"]},
        "status": {"type": "string"},
        "filename": {"type": "string"},
        "sha256": {"type": "string"},
        "duplicate_of": {"type": ["integer", "null"]},
        "rows": {"type": "integer"},
        "accepted": {"type": "integer"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/RowError"}},
        "error_count": {"type": "integer"},
        "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/RowError"}},
        "sent_to_other_forces": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1},
                                 "description": "Hydra registers: rows sent, by force code, to forces the uploader "
                                                "may not upload for, as pending records for them to accept"},
        "records": {"type": "integer", "description": "College Learn and Hydra: records found (a wide row holds a "
                                                      "record per module), less rows sent to other forces"},
        "matched_people": {"type": "integer", "description": "the people the matched records belong to"},
        "lists": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
                  "description": "how many each named list of the batch page holds (added, leavers, updated, "
                                 "by_name, unmatched)"},
        "effect": {"type": ["object", "null"],
                   "description": "the figures and national rank, before and after, of each force the batch "
                                  "changes that the uploader may upload for (a preview: what its commit would give)"},
        "refusal": {"type": "string", "enum": ["file", "strict", "force", "leavers"],
                    "description": "why a refused file was refused"},
    },
}

AS_OF = {"name": "as_of", "in": "query", "required": False, "description": "YYYY-MM-DD (default today)",
         "schema": {"type": "string", "format": "date"}}
BATCH_ID = {"name": "batch_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}

# Text without the control characters every request is refused for: lms.web.inputs's own class, negated.
PLAIN_TEXT = f"^[^{CONTROL_IN_TEXT.pattern[1:-1]}]*$"

IMPORT_FORM = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "force", "file"],
    "properties": {
        "kind": {"type": "string", "enum": ["roster", "college-learn", "hydra"]},
        "force": {"type": "string", "pattern": "^[a-z0-9-]{1,40}$",
                  "description": "a force code, or `all` for a file with a Force column"},
        "file": {"type": "string", "contentMediaType": "application/octet-stream"},
        "dry_run": {"type": "string", "enum": ["true", "false"]},
        "strict": {"type": "string", "enum": ["true", "false"]},
        "confirm_leavers": {"type": "string", "enum": ["true", "false"]},
        "confirm_force": {"type": "string", "enum": ["true", "false"],
                          "description": "commit a file that looks like another force's"},
        "map": {"type": "string", "pattern": PLAIN_TEXT,
                "description": "JSON object: canonical column name -> the file's heading"},
    },
}


def paths() -> dict:
    """Every endpoint under /api/v1 with what it answers."""
    summary = _json("The import summary", {"$ref": "#/components/schemas/ImportSummary"})
    not_found = _error("No such batch, or one you may not see")
    return {
        "/league-table": {"get": {
            "summary": "The national league table as of a date", "parameters": [AS_OF],
            "responses": {"200": _json("The league table", {"$ref": "#/components/schemas/LeagueTable"}),
                          **COMMON_ERRORS}}},
        "/forces/{code}": {"get": {
            "summary": "One force's figures", "parameters": [
                {"name": "code", "in": "path", "required": True,
                 "schema": {"type": "string", "pattern": "^[a-z0-9-]{1,40}$"}}, AS_OF],
            "responses": {"200": _json("The force's object", {"$ref": "#/components/schemas/Force"}),
                          "404": _error("No such force, or one you may not see"), **COMMON_ERRORS}}},
        "/imports": {"post": {
            "summary": "Run an import (preview with dry_run=true)",
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": IMPORT_FORM}}},
            "responses": {"200": summary, "201": summary,
                          "422": _json("The file was refused (the summary says why), or `map` is not a JSON object",
                                       {"anyOf": [{"$ref": "#/components/schemas/ImportSummary"}, ERROR]}),
                          "403": _error("You may not upload for that force"),
                          "404": _error("No such force"), "409": _error("The batch is in a state that refuses this"),
                          **COMMON_ERRORS}}},
        "/imports/{batch_id}": {"get": {
            "summary": "An import's summary", "parameters": [BATCH_ID],
            "responses": {"200": summary, "403": _error("Not yours to see"), "404": not_found, **COMMON_ERRORS}}},
        "/imports/{batch_id}/rollback": {"post": {
            "summary": "Undo a committed batch", "parameters": [BATCH_ID],
            "responses": {"200": summary, "403": _error("You may not roll it back"), "404": not_found,
                          "409": _error("It is not committed, or a later batch must be undone first"),
                          **COMMON_ERRORS}}},
        "/openapi.json": {"get": {
            "summary": "This description", "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    }


def document(base_url: str) -> dict:
    """The whole OpenAPI 3.1 document, with the server at ``base_url``."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "OIC training compliance API", "version": "1",
                 "description": "Permissions are those of the web pages: counts for everyone signed in, personal "
                                "data only for a force's own leads and admins."},
        "servers": [{"url": f"{base_url}/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths(),
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "a token from `lms create-token`"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": {"Error": {"type": "object", "required": ["error", "details"], "properties": {
                "error": {"type": "string"}, "details": {"type": "array"}}},
                "Package": PACKAGE, "Force": FORCE, "LeagueTable": LEAGUE_TABLE, "RowError": ROW_ERROR,
                "ImportSummary": SUMMARY},
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI description of this API."""
    return jsonify(document(current_app.config["BASE_URL"]))
