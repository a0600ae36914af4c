"""Column and value mapping, as a training lead meets it: an export the service cannot place -> say which heading is
which -> preview -> commit; next month's export of the same shape imports at once; a mapping can be deleted; a
status the service did not know, once mapped to complete, counts. Through the pages, `lms import --map` and the API.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from lms.cli import cli
from lms.extensions import db
from lms.imports import mappings
from lms.imports.errors import ImportRefused
from lms.imports.service import run_import
from lms.models import AuditEvent, ColumnMapping, Force, ImportBatch, ValueMapping
from lms.reports.figures import league_table
from tests.support.files import MODULE_TITLES, P, csv_bytes, roster, xlsx_bytes

D = date(2025, 5, 14)
AVA, BEN = P("K001", "Ava", "Stone", "frontline"), P("K002", "Ben", "Marsh", "investigator")
# A learning platform's own report, as it writes it: a title row, its own headings, its own word for complete.
HEADINGS = ["Learner ref", "Learner", "Programme", "Outcome", "Finished on"]
MAPPING = {"Staff number": "Learner ref", "Course": "Programme", "Status": "Outcome", "Date completed": "Finished on"}


def platform_export(rows: list[tuple[P, str, str]], *, headings: list[str] = HEADINGS) -> bytes:
    """(person, module, outcome) rows as the platform's .xlsx report, columns in the order of `headings`."""
    by_heading = {
        "learner ref": lambda p, m, o: p.staff,
        "learner": lambda p, m, o: f"{p.first} {p.last}",
        "programme": lambda p, m, o: MODULE_TITLES[m],
        "outcome": lambda p, m, o: o,
        "finished on": lambda p, m, o: D.strftime("%d/%m/%Y") if o == "Achieved" else "",
    }
    body = [[by_heading[h.casefold()](p, m, o) for h in headings] for p, m, o in rows]
    return xlsx_bytes(headings, body, title_rows=["Learner outcomes report", "Generated 15/05/2025"])


def ava_done(outcome: str = "Achieved") -> list[tuple[P, str, str]]:
    return [(AVA, m, outcome) for m in ("M1", "M2", "M3", "M4")] + [(BEN, "M1", "In progress")]


def kent() -> dict:
    return next(f for f in league_table(use_snapshots=False)["forces"] if f["code"] == "kent")


def seed_roster() -> None:
    run_import("roster", roster([AVA, BEN]), "roster.csv", "kent", None)
    db.session.commit()


def upload(client, data: bytes, name: str = "outcomes.xlsx", kind: str = "college-learn", force: str = "kent"):
    return client.post("/upload", data={"kind": kind, "force": force, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def field_ids(page: str) -> dict[str, str]:
    """Field name -> the id of its select on the mapping page."""
    return {name: ident for ident, name in re.findall(r'<label class="govuk-label govuk-label--s" for="(field-\d+)">\s*'
                                                      r'([^<(]+?) \(', page)}


def shown(page: str, key: str) -> str:
    """The value beside `key` in the page's summary list."""
    match = re.search(re.escape(key) + r"\s*</dt>.*?<dd[^>]*>\s*(.*?)\s*</dd>", page, re.DOTALL)
    return match.group(1) if match else ""


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --- the pages ---------------------------------------------------------------------------------------------------


def test_web_unrecognised_export_is_mapped_previewed_committed_and_remembered(signed_in):
    seed_roster()
    client, _ = signed_in("force_lead", force="kent")
    response = upload(client, platform_export(ava_done()))
    batch_id = int(response.location.rsplit("/", 1)[1])
    page = client.get(f"/imports/{batch_id}", follow_redirects=True).get_data(as_text=True)
    # Not a dead end: the fields, the file's headings with sample values, and why.
    assert "Say which column is which" in page and "govuk-error-summary" in page and "no Course column" in page
    assert "Programme" in page and "OIC module 1: introduction to organised immigration crime" in page
    assert "Achieved" in page and "K001" in page
    ids = field_ids(page)
    assert {"Course", "Status", "Date completed", "Staff number", "Organisation"} <= set(ids)
    assert kent()["elearning"]["complete"] == 0

    form = {ids[name]: heading for name, heading in MAPPING.items()}
    response = client.post(f"/imports/{batch_id}/columns", data=form)
    assert response.status_code == 302 and response.location.endswith(f"/imports/{batch_id}")
    page = client.get(response.location).get_data(as_text=True)
    assert "Check what this file will change" in page and "Course ← Programme" in page
    # "Achieved" is not a status the service knows: listed with its count, not complete until mapped.
    assert "Values the service does not know" in page and "“Achieved” (4 rows)" in page
    assert shown(page, "New completions") == "0 modules newly completed"

    response = client.post(f"/imports/{batch_id}/values", data={"value-0": "complete"})
    page = client.get(response.location).get_data(as_text=True)
    assert "Values the service does not know" not in page
    assert shown(page, "New completions") == "4 modules newly completed"
    page = client.post(f"/imports/{batch_id}/commit", follow_redirects=True).get_data(as_text=True)
    assert "committed" in page
    assert kent()["elearning"]["complete"] == 1 and kent()["modules"]["M1"] == 1

    # Next month: the same shape (headings in another order and case) previews at once, no questions asked.
    response = upload(client, platform_export(ava_done() + [(BEN, "M2", "Achieved")],
                                              headings=["outcome", "LEARNER REF", "Learner", "Finished on",
                                                        "Programme"]), "june.xlsx")
    batch_id = int(response.location.rsplit("/", 1)[1])
    page = client.get(response.location).get_data(as_text=True)
    assert "Check what this file will change" in page and "Values the service does not know" not in page
    assert shown(page, "New completions") == "1 module newly completed"

    actions = audit_actions()
    assert "import.needs_mapping" in actions and "import.mapping_saved" in actions
    assert "import.value_mapping_saved" in actions


def test_web_mapping_is_listed_and_can_be_deleted_with_confirmation(signed_in):
    seed_roster()
    kent_force = db.session.scalar(select(Force).where(Force.code == "kent"))
    data = platform_export(ava_done())
    run_import("college-learn", data, "may.xlsx", "kent", None, mode="dry_run", column_map=MAPPING)
    run_import("college-learn", data, "may.xlsx", "kent", None, column_map=MAPPING)
    mappings.save_values(kent_force, "college-learn", {"Achieved": "complete"}, None)
    db.session.commit()
    client, _ = signed_in("force_lead", force="kent")
    page = client.get("/forces/kent/imports").get_data(as_text=True)
    assert "Remembered mappings" in page and "Course ← Programme" in page and "Achieved" in page
    column_id = db.session.scalar(select(ColumnMapping.id))
    value_id = db.session.scalar(select(ValueMapping.id))

    confirm = client.get(f"/forces/kent/mappings/delete?what=columns&mapping={column_id}").get_data(as_text=True)
    assert "Are you sure you want to delete this column mapping?" in confirm and "Course ← Programme" in confirm
    assert db.session.scalar(select(ColumnMapping.id)) == column_id  # asking deletes nothing
    page = client.post("/forces/kent/mappings/delete", data={"what": "columns", "mapping": column_id},
                       follow_redirects=True).get_data(as_text=True)
    assert "Column mapping deleted" in page and "Course ← Programme" not in page
    assert db.session.scalar(select(ColumnMapping.id)) is None
    client.post("/forces/kent/mappings/delete", data={"what": "values", "mapping": value_id})
    assert db.session.scalar(select(ValueMapping.id)) is None
    assert audit_actions().count("import.mapping_deleted") == 2

    # Forgotten: the same shape asks again.
    response = upload(client, platform_export(ava_done()), "june.xlsx")
    assert "Say which column is which" in client.get(response.location, follow_redirects=True).get_data(as_text=True)


def test_another_forces_lead_cannot_see_or_delete_its_mappings(signed_in):
    seed_roster()
    run_import("college-learn", platform_export(ava_done()), "may.xlsx", "kent", None, column_map=MAPPING)
    db.session.commit()
    column_id = db.session.scalar(select(ColumnMapping.id))
    client, _ = signed_in("force_lead", force="surrey")
    assert client.get(f"/forces/kent/mappings/delete?what=columns&mapping={column_id}").status_code == 404
    assert client.post("/forces/kent/mappings/delete", data={"what": "columns", "mapping": column_id}
                       ).status_code == 404
    # Nor through their own force's page.
    client.post("/forces/surrey/mappings/delete", data={"what": "columns", "mapping": column_id})
    assert db.session.scalar(select(ColumnMapping.id)) == column_id


def test_web_mapping_form_errors_are_shown_on_the_form(signed_in):
    seed_roster()
    client, _ = signed_in("force_lead", force="kent")
    response = upload(client, platform_export(ava_done()))
    batch_id = int(response.location.rsplit("/", 1)[1])
    ids = field_ids(client.get(f"/imports/{batch_id}/columns").get_data(as_text=True))
    # The same heading for two fields: refused on the form, with the field marked.
    response = client.post(f"/imports/{batch_id}/columns",
                           data={ids["Course"]: "Programme", ids["Status"]: "Programme"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "govuk-error-summary" in page and "chosen for both" in page
    assert "govuk-select--error" in page
    # Still not enough: the page says what is still missing, and the batch keeps waiting.
    response = client.post(f"/imports/{batch_id}/columns", data={ids["Staff number"]: "Learner ref"})
    page = client.get(response.location).get_data(as_text=True)
    assert "no Course column" in page and db.session.get(ImportBatch, batch_id).status == "mapping"
    # Cancelling a waiting upload discards it.
    client.post(f"/imports/{batch_id}/cancel")
    assert db.session.get(ImportBatch, batch_id).status == "cancelled"
    assert db.session.scalar(select(ColumnMapping.id)) is None


# --- lms import --map --------------------------------------------------------------------------------------------


def test_cli_map_option_then_the_remembered_mapping_applies_without_it(runner, tmp_path):
    seed_roster()
    path = tmp_path / "outcomes.xlsx"
    path.write_bytes(platform_export(ava_done()))
    result = runner.invoke(cli, ["import", "college-learn", str(path), "--force", "kent"])
    assert result.exit_code == 1 and "no Course column" in result.stderr
    assert "--map" in result.stderr and "Programme" in result.stderr

    args = [arg for name, heading in MAPPING.items() for arg in ("--map", f"{name}={heading}")]
    result = runner.invoke(cli, ["import", "college-learn", str(path), "--force", "kent", "--json", *args])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "committed" and summary["column_map"] == MAPPING
    assert summary["unknown_values"] == [{"value": "Achieved", "rows": 4}] and summary["new_completions"] == 0

    path.write_bytes(platform_export(ava_done() + [(BEN, "M2", "In progress")]))
    result = runner.invoke(cli, ["import", "college-learn", str(path), "--force", "kent"])
    assert result.exit_code == 0, result.output
    assert "remembered mapping" in result.stdout and "'Achieved' in 4 rows" in result.stdout


def test_cli_map_option_refuses_unknown_fields_and_bad_syntax(runner, tmp_path):
    seed_roster()
    path = tmp_path / "outcomes.xlsx"
    path.write_bytes(platform_export(ava_done()))
    result = runner.invoke(cli, ["import", "college-learn", str(path), "--force", "kent", "--map", "Colour=Outcome"])
    assert result.exit_code == 1 and "'Colour' is not a column of a College Learn export" in result.stderr
    result = runner.invoke(cli, ["import", "college-learn", str(path), "--force", "kent", "--map", "Programme"])
    assert result.exit_code == 1 and 'should be FIELD=HEADING' in result.stderr
    result = runner.invoke(cli, ["import", "college-learn", str(path), "--force", "kent", "--map",
                                 "Course=Course title"])
    assert result.exit_code == 1 and "Course title" in result.stderr
    assert db.session.scalar(select(ColumnMapping.id)) is None
    assert kent()["elearning"]["complete"] == 0


# --- the API -----------------------------------------------------------------------------------------------------


def _api(client, token: str, data: bytes, **fields):
    return client.post("/api/v1/imports", headers={"Authorization": f"Bearer {token}"},
                       content_type="multipart/form-data",
                       data={"kind": "college-learn", "force": "kent", "file": (io.BytesIO(data), "outcomes.xlsx"),
                             **fields})


def test_api_map_field(app, create_user, client):
    from lms.accounts.auth import issue_token

    seed_roster()
    token = issue_token(create_user("force_lead", force="kent"))
    db.session.commit()
    data = platform_export(ava_done())
    response = _api(client, token, data)
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "refused" and body["unresolved"]["missing"] == ["Course"]
    assert "Programme" in body["unresolved"]["headers"]

    for bad, words in (("{not json", "map is not valid JSON"), ('["Course"]', "map must be a JSON object"),
                       ('{"Colour": "Outcome"}', "'Colour' is not a column")):
        response = _api(client, token, data, map=bad)
        assert response.status_code == 422 and words in response.get_json()["error"], bad
    response = _api(client, token, data, map=json.dumps({**MAPPING, "Course": "No such heading"}))
    assert response.status_code == 422 and "No such heading" in response.get_json()["message"]
    assert db.session.scalar(select(ColumnMapping.id)) is None

    response = _api(client, token, data, map=json.dumps(MAPPING))
    assert response.status_code == 201 and response.get_json()["accepted"] == 5
    response = _api(client, token, platform_export(ava_done() + [(BEN, "M3", "In progress")]), dry_run="true")
    assert response.status_code == 200 and response.get_json()["mapping"] == "remembered"


# --- values you don't know ----------------------------------------------------------------------------------------


def test_an_unknown_status_mapped_to_complete_counts_after_commit(app):
    seed_roster()
    kent_force = db.session.scalar(select(Force).where(Force.code == "kent"))
    data = platform_export(ava_done())
    first = run_import("college-learn", data, "may.xlsx", "kent", None, column_map=MAPPING).summary
    db.session.commit()
    assert first["errors"] == [] and first["unknown_values"] == [{"value": "Achieved", "rows": 4}]
    assert kent()["elearning"]["complete"] == 0  # counted as not complete

    mappings.save_values(kent_force, "college-learn", {"Achieved": "complete"}, None)
    again = run_import("college-learn", data, "may.xlsx", "kent", None).summary
    db.session.commit()
    assert again["unknown_values"] == [] and again["new_completions"] == 4
    assert kent()["elearning"]["complete"] == 1
    # A value for another force is that force's own business.
    assert mappings.value_map(db.session.scalar(select(Force).where(Force.code == "surrey")), "college-learn") == {}


def test_an_unknown_attendance_value_mapped_to_attended_counts(app):
    seed_roster()
    kent_force = db.session.scalar(select(Force).where(Force.code == "kent"))
    register = csv_bytes(["Session date", "Venue", "Facilitator", "Staff number", "Forename", "Surname", "Attended"],
                         [["12/03/2025", "Maidstone", "T Trainer", BEN.staff, BEN.first, BEN.last, "Turned up"]])
    first = run_import("hydra", register, "register.csv", "kent", None).summary
    db.session.commit()
    assert first["unknown_values"] == [{"value": "Turned up", "rows": 1}] and kent()["hydra"]["complete"] == 0
    mappings.save_values(kent_force, "hydra", {"Turned up": "attended"}, None)
    run_import("hydra", register, "register.csv", "kent", None)
    db.session.commit()
    assert kent()["hydra"]["complete"] == 1


# --- all-forces files -----------------------------------------------------------------------------------------------


def test_an_all_forces_file_without_a_force_column_is_refused_naming_it(app, runner, tmp_path):
    seed_roster()
    register = csv_bytes(["Session date", "Venue", "Staff number", "Forename", "Surname", "Attended"],
                         [["12/03/2025", "Maidstone", BEN.staff, BEN.first, BEN.last, "Attended"]])
    outcome = run_import("hydra", register, "register.csv", "all", None)
    db.session.commit()
    assert outcome.refused and "Force" in outcome.summary["message"]
    assert outcome.summary["unresolved"]["missing"] == ["Force"]
    assert not any("Organisation is empty" in e["message"] or "Force is empty" in e["message"]
                   for e in outcome.summary["errors"])
    assert kent()["hydra"]["complete"] == 0
    path = tmp_path / "register.csv"
    path.write_bytes(register)
    result = runner.invoke(cli, ["import", "hydra", str(path), "--force", "all"])
    assert result.exit_code == 1 and "Force" in result.stderr
    # Mapped, it goes in (and the mapping is remembered for all-forces files, not for Kent).
    register = csv_bytes(["Session date", "Venue", "Staff number", "Forename", "Surname", "Attended", "Org"],
                         [["12/03/2025", "Maidstone", BEN.staff, BEN.first, BEN.last, "Attended", "Kent Police"]])
    path.write_bytes(register)
    result = runner.invoke(cli, ["import", "hydra", str(path), "--force", "all", "--map", "Force=Org"])
    assert result.exit_code == 0, result.output
    assert kent()["hydra"]["complete"] == 1
    assert db.session.scalar(select(ColumnMapping.force_id)) is None


def test_web_ambiguous_headings_are_asked_not_guessed(signed_in):
    client, _ = signed_in("force_lead", force="kent")
    hr = csv_bytes(["Staff ref", "Warrant ref", "Forename", "Surname", "Role category"],
                   [["S100", "W7", "Ava", "Stone", "frontline"], ["S101", "W8", "Ben", "Marsh", "investigator"]])
    response = upload(client, hr, "hr.csv", kind="roster")
    page = client.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "More than one heading could be this: Staff ref, Warrant ref" in page
    ids = field_ids(page)
    response = client.post(f"/imports/{_id(response)}/columns", data={ids["Staff number"]: "Staff ref"})
    page = client.get(response.location).get_data(as_text=True)
    assert shown(page, "People added") == "2 people"
    client.post(f"/imports/{_id(response)}/commit")
    assert kent()["overall"]["relevant"] == 2


def _id(response) -> int:
    return int(re.search(r"/imports/(\d+)", response.location).group(1))


def test_admins_list_and_delete_the_mappings_of_all_forces_files(signed_in):
    seed_roster()
    register = csv_bytes(["Session date", "Venue", "Staff number", "Forename", "Surname", "Attended", "Org"],
                         [["12/03/2025", "Maidstone", BEN.staff, BEN.first, BEN.last, "Attended", "Kent Police"]])
    assert not run_import("hydra", register, "register.csv", "all", None, column_map={"Force": "Org"}).refused
    db.session.commit()
    client, _ = signed_in("admin")
    page = client.get("/imports").get_data(as_text=True)
    assert "Remembered mappings for all-forces files" in page and "Force ← Org" in page
    mapping_id = db.session.scalar(select(ColumnMapping.id))
    assert "Are you sure" in client.get(f"/forces/all/mappings/delete?mapping={mapping_id}").get_data(as_text=True)
    client.post("/forces/all/mappings/delete", data={"what": "columns", "mapping": mapping_id})
    assert db.session.scalar(select(ColumnMapping.id)) is None


# --- whatever a script sends as a mapping ---------------------------------------------------------------------
JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=20), inner,
                                                                                   max_size=3), max_leaves=8)


@settings(max_examples=200, deadline=None, database=None)
@given(text=st.one_of(st.text(max_size=60), JSONISH.map(json.dumps)),
       kind=st.sampled_from(["roster", "college-learn", "hydra"]))
def test_any_map_is_either_a_mapping_of_known_fields_or_a_422(text, kind):
    """The API's `map`: any text gives canonical field names -> headings, or a refusal with a message (never a
    traceback)."""
    try:
        fields = mappings.check_fields(kind, mappings.parse_map_json(text) or {})
    except ImportRefused as exc:
        assert exc.status == 422 and exc.message
        return
    assert set(fields) <= set(mappings.field_names(kind))
    assert all(isinstance(h, str) and h.strip() == h and h for h in fields.values())


@settings(max_examples=200, deadline=None, database=None)
@given(items=st.lists(st.text(max_size=30), max_size=4))
def test_any_map_option_is_either_parsed_or_refused(items):
    try:
        fields = mappings.check_fields("college-learn", mappings.parse_map_items(items))
    except ImportRefused as exc:
        assert exc.message
        return
    assert set(fields) <= set(mappings.field_names("college-learn"))


def test_a_large_file_read_in_the_background_also_waits_for_its_mapping(app, signed_in):
    import threading
    import time

    seed_roster()
    app.config["BACKGROUND_IMPORT_BYTES"] = 1
    client, _ = signed_in("force_lead", force="kent")
    response = upload(client, platform_export(ava_done()))
    batch_id = _id(response)
    for _ in range(200):
        db.session.rollback()  # the test shares one session across requests: end its snapshot each poll
        if client.get(f"/imports/{batch_id}/progress").get_json()["ready"]:
            break
        time.sleep(0.05)
    for thread in threading.enumerate():
        if thread.name.startswith("import-"):
            thread.join(10)
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch_id).status == "mapping"
    page = client.get(f"/imports/{batch_id}", follow_redirects=True).get_data(as_text=True)
    ids = field_ids(page)
    response = client.post(f"/imports/{batch_id}/columns", data={ids[n]: h for n, h in MAPPING.items()})
    assert "Check what this file will change" in client.get(response.location).get_data(as_text=True)
