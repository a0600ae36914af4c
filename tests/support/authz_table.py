"""Who may do what, route by route: the expected outcome of every (endpoint, method) for every actor, written once.

tests/web/test_authz_matrix.py requests every cell and checks the answer; it also fails when the app has a route that
is not in TABLE (or TABLE names a route the app no longer has), so a new route cannot go unreviewed.

The actors (DESIGN.md "Users"): nobody signed in; the force lead of Kent and of Surrey; the regional co-ordinator of
Kent's region (Eastern) and of another (South East, Surrey's); national (MSOICU); admin. Unless a row says
otherwise, a route's arguments name Kent (`code`), Kent's committed College Learn batch, a person on Kent's roster,
an account that is none of the actors, and so on (SAMPLES in the test).

Outcomes: OK is a 2xx, or a redirect anywhere but the sign-in page; SIGN_IN is a redirect to the sign-in page; a
number is that status code. 404 means "that force (or batch, or person) does not exist for you" (CONTRACT.md: 403,
or 404 for a force the user may not see); 403 means "you may see that it exists but not this".
"""

from __future__ import annotations

from dataclasses import dataclass, field

ACTORS = ("anonymous", "lead_A", "lead_B", "regional_in", "regional_out", "national", "admin")

OK = "ok"
SIGN_IN = "sign-in"


@dataclass(frozen=True)
class Ref:
    """A seeded object, by the name the test's seed gives its id (e.g. Ref("preview_batch"))."""

    name: str


@dataclass(frozen=True)
class Case:
    """One row: the outcome for each actor in ACTORS order, and what the request targets when it is not the
    default (args: URL arguments; form: fields merged into the default body)."""

    outcomes: tuple
    args: dict = field(default_factory=dict)
    form: dict = field(default_factory=dict)
    # actor -> reason: a known authorisation bug. The cell keeps the CORRECT outcome and is marked
    # xfail(strict=True), so the suite stays green while the bug is there and fails once it is fixed.
    bugs: dict = field(default_factory=dict)

    def expected(self, actor: str):
        return self.outcomes[ACTORS.index(actor)]


def row(*outcomes, **kwargs) -> Case:
    assert len(outcomes) == len(ACTORS), outcomes
    return Case(tuple(outcomes), **kwargs)


PREVIEW = {"batch_id": Ref("preview_batch")}  # commit and cancel act on a batch waiting in preview
SURREY = {"code": "surrey"}
REGIONALS_BATCH = {"batch_id": Ref("regional_batch")}  # a Hydra register for Kent uploaded by regional_in
MOVED = "batch lead_B uploaded when they led Kent"
MOVED_BATCH = {"batch_id": Ref("moved_lead_batch")}  # lead_B led Kent, uploaded this, then became Surrey's lead
# MOVED_BATCH: a Kent batch its uploader made while leading Kent, before moving to Surrey (lead_B): no longer theirs.

# Keys are (endpoint, method) for the app's routes; a third element names an extra case of the same route.
# fmt: off
TABLE: dict[tuple, Case] = {
    #                                                   anonymous lead_A   lead_B   reg_in   reg_out  national admin
    # --- public pages
    ("help.index", "GET"):                          row(OK,      OK,      OK,      OK,      OK,      OK,      OK),
    ("help.privacy", "GET"):                        row(OK,      OK,      OK,      OK,      OK,      OK,      OK),
    ("help.accessibility", "GET"):                  row(OK,      OK,      OK,      OK,      OK,      OK,      OK),
    ("imports.template", "GET"):                    row(OK,      OK,      OK,      OK,      OK,      OK,      OK),
    # --- signing in and out (a wrong password for anonymous: 400; a signed-in user is sent to the dashboard;
    #     signing out always ends on the sign-in page)
    ("accounts.sign_in", "GET"):                        row(OK,      OK,      OK,      OK,      OK,      OK,      OK),
    ("accounts.sign_in", "POST"):                       row(400,     OK,      OK,      OK,      OK,      OK,      OK),
    ("accounts.sign_out", "GET"):                       row(SIGN_IN, OK,      OK,      OK,      OK,      OK,      OK),
    ("accounts.sign_out", "POST"):                      row(SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN),
    # --- single sign-on (issue 18): the two legs of the flow are public, as the sign-in form is; a signed-in user is
    #     sent to the dashboard, anyone else gets 404 for a provider that is not configured (this app has none:
    #     the flow itself is tested in tests/accounts/test_oidc.py against a real provider)
    ("accounts.sso_start", "GET"):                      row(404,     OK,      OK,      OK,      OK,      OK,      OK),
    ("accounts.sso_callback", "GET"):                   row(404,     OK,      OK,      OK,      OK,      OK,      OK),
    # --- aggregates: every signed-in role sees the national table; a force's or region's page only where the
    #     user sees that force
    ("reports.dashboard", "GET"):                     row(SIGN_IN, OK,      OK,      OK,      OK,      OK,      OK),
    ("reports.league_table", "GET"):                row(SIGN_IN, OK,      OK,      OK,      OK,      OK,      OK),
    ("reports.league_table_csv", "GET"):            row(SIGN_IN, OK,      OK,      OK,      OK,      OK,      OK),
    ("reports.league_table_xlsx", "GET"):           row(SIGN_IN, OK,      OK,      OK,      OK,      OK,      OK),
    ("reports.region_page", "GET"):                 row(SIGN_IN, OK,      404,     OK,      404,     OK,      OK),
    ("reports.force_page", "GET"):                  row(SIGN_IN, OK,      404,     OK,      404,     OK,      OK),
    ("reports.force_page", "GET", "surrey"):        row(SIGN_IN, 404,     OK,      404,     OK,      OK,      OK,
                                                        args=SURREY),
    # --- person-level data: the force's own leads and admins only
    ("reports.people", "GET"):                      row(SIGN_IN, OK,      404,     403,     404,     403,     OK),
    ("reports.people", "GET", "surrey"):            row(SIGN_IN, 404,     OK,      404,     403,     403,     OK,
                                                        args=SURREY),
    ("reports.people_xlsx", "GET"):                 row(SIGN_IN, OK,      404,     403,     404,     403,     OK),
    ("reports.person", "GET"):                      row(SIGN_IN, OK,      404,     403,     404,     403,     OK),
    ("reports.person", "GET", "surrey person under /forces/kent"):
                                                    row(SIGN_IN, 404,     404,     403,     404,     403,     404,
                                                        args={"person_id": Ref("surrey_person")}),
    ("matches.unmatched", "GET"):                   row(SIGN_IN, OK,      404,     403,     404,     403,     OK),
    ("matches.unmatched", "POST"):                  row(SIGN_IN, OK,      404,     403,     404,     403,     OK),
    # the roster search (JSON for the autocomplete), accept-all and the remembered decisions: as the unmatched page
    ("matches.roster_search", "GET"):               row(SIGN_IN, OK,      404,     403,     404,     403,     OK),
    ("matches.accept_all", "GET"):                  row(SIGN_IN, OK,      404,     403,     404,     403,     OK),
    ("matches.accept_all", "POST"):                 row(SIGN_IN, OK,      404,     403,     404,     403,     OK),
    ("matches.decisions_list", "GET"):              row(SIGN_IN, OK,      404,     403,     404,     403,     OK),
    ("matches.undo_decision", "GET"):               row(SIGN_IN, OK,      404,     403,     404,     403,     OK),
    ("matches.undo_decision", "POST"):              row(SIGN_IN, OK,      404,     403,     404,     403,     OK),
    ("matches.undo_decision", "GET", "surrey decision under /forces/kent"):
                                                    row(SIGN_IN, 404,     404,     403,     404,     403,     404,
                                                        args={"decision_id": Ref("surrey_decision")}),
    ("imports.history", "GET"):                     row(SIGN_IN, OK,      404,     403,     404,     403,     OK),
    ("matches.unmatched_home", "GET"):              row(SIGN_IN, OK,      OK,      403,     403,     403,     OK),
    # --- pending records (a Hydra register's lines for a force its uploader may not upload for): the force's leads,
    #     the ROCU of its region and admins review them; national sees the force but may not act (403). The seed
    #     has a Surrey line from lead_A's Kent register; Kent has none waiting.
    ("pending.pending_home", "GET"):                row(SIGN_IN, OK,      OK,      OK,      OK,      403,     OK),
    ("pending.queue", "GET"):                       row(SIGN_IN, OK,      404,     OK,      404,     403,     OK),
    ("pending.queue", "GET", "surrey"):             row(SIGN_IN, 404,     OK,      404,     OK,      403,     OK,
                                                        args=SURREY),
    ("pending.queue", "POST"):                      row(SIGN_IN, OK,      404,     OK,      404,     403,     OK),
    ("pending.queue", "POST", "surrey"):            row(SIGN_IN, 404,     OK,      404,     OK,      403,     OK,
                                                        args=SURREY),
    ("pending.accept_all", "GET"):                  row(SIGN_IN, OK,      404,     OK,      404,     403,     OK),
    ("pending.accept_all", "GET", "surrey"):        row(SIGN_IN, 404,     OK,      404,     OK,      403,     OK,
                                                        args=SURREY),
    ("pending.accept_all", "POST"):                 row(SIGN_IN, OK,      404,     OK,      404,     403,     OK),
    ("pending.accept_all", "POST", "surrey"):       row(SIGN_IN, 404,     OK,      404,     OK,      403,     OK,
                                                        args=SURREY),
    # --- uploads: leads for their force, regionals Hydra registers for their region's forces (a force that is
    #     not among the form's choices is a 400), admins anything
    ("imports.my_uploads", "GET"):                  row(SIGN_IN, OK,      OK,      OK,      OK,      403,     OK),
    ("imports.upload", "GET"):                      row(SIGN_IN, OK,      OK,      OK,      OK,      403,     OK),
    ("imports.upload", "POST"):                     row(SIGN_IN, OK,      400,     OK,      400,     403,     OK),
    ("imports.upload", "POST", "roster"):           row(SIGN_IN, OK,      400,     400,     400,     403,     OK,
                                                        form={"kind": "roster"}),
    # --- a batch: its uploader, its force's leads and admins; nobody else learns it exists
    ("imports.batch", "GET"):                       row(SIGN_IN, OK,      404,     404,     404,     404,     OK),
    ("imports.error_report", "GET"):                row(SIGN_IN, OK,      404,     404,     404,     404,     OK),
    ("imports.list_csv", "GET"):                    row(SIGN_IN, OK,      404,     404,     404,     404,     OK,
                                                        args={"name": "unmatched"}),
    ("imports.batch", "GET", "regional's own upload"):
                                                    row(SIGN_IN, OK,      404,     OK,      404,     404,     OK,
                                                        args=REGIONALS_BATCH),
    ("imports.batch", "GET", MOVED):                row(SIGN_IN, OK,      404,     404,     404,     404,     OK,
                                                        args=MOVED_BATCH),
    # lead_A's Kent register with a Surrey delegate: Surrey's lead never sees the sending batch (only its lines).
    ("imports.batch", "GET", "a register sending a line to Surrey"):
                                                    row(SIGN_IN, OK,      404,     404,     404,     404,     OK,
                                                        args={"batch_id": Ref("sending_batch")}),
    ("imports.progress", "GET"):                    row(SIGN_IN, OK,      404,     404,     404,     404,     OK),
    ("imports.commit", "POST"):                     row(SIGN_IN, OK,      404,     404,     404,     404,     OK,
                                                        args=PREVIEW),
    ("imports.cancel", "POST"):                     row(SIGN_IN, OK,      404,     404,     404,     404,     OK,
                                                        args=PREVIEW),
    # Try again: only a failed preview can be (the default batch is committed: refused with a message, still OK).
    ("imports.retry", "POST"):                      row(SIGN_IN, OK,      404,     404,     404,     404,     OK),
    ("imports.rollback_batch", "GET"):              row(SIGN_IN, OK,      404,     404,     404,     404,     OK),
    ("imports.rollback_batch", "POST"):             row(SIGN_IN, OK,      404,     404,     404,     404,     OK),
    ("imports.rollback_batch", "POST", "regional's own upload"):
                                                    row(SIGN_IN, OK,      404,     OK,      404,     404,     OK,
                                                        args=REGIONALS_BATCH),
    ("imports.rollback_batch", "POST", MOVED):
                                                    row(SIGN_IN, OK,      404,     404,     404,     404,     OK,
                                                        args=MOVED_BATCH),
    # --- column and value mappings of a batch: as the batch (a committed batch's pages send its users back to it);
    #     the remembered mappings of a force: as its uploads page (its own leads and admins)
    ("imports.columns", "GET"):                     row(SIGN_IN, OK,      404,     404,     404,     404,     OK),
    ("imports.columns", "POST"):                    row(SIGN_IN, OK,      404,     404,     404,     404,     OK),
    ("imports.columns", "GET", "regional's own upload"):
                                                    row(SIGN_IN, OK,      404,     OK,      404,     404,     OK,
                                                        args=REGIONALS_BATCH),
    ("imports.values", "POST"):                     row(SIGN_IN, OK,      404,     404,     404,     404,     OK,
                                                        args=PREVIEW),
    ("imports.delete_mapping", "GET"):              row(SIGN_IN, OK,      404,     403,     404,     403,     OK),
    ("imports.delete_mapping", "POST"):             row(SIGN_IN, OK,      404,     403,     404,     403,     OK),
    ("imports.delete_mapping", "GET", "all-forces files"):
                                                    row(SIGN_IN, 403,     403,     403,     403,     403,     OK,
                                                        args={"code": "all"}),
    # --- the API: 401 without credentials, else as the pages
    ("api_docs.openapi_json", "GET"):                       row(OK,      OK,      OK,      OK,      OK,      OK,      OK),
    ("reports_api.league_table", "GET"):                    row(401,     OK,      OK,      OK,      OK,      OK,      OK),
    ("reports_api.force", "GET"):                           row(401,     OK,      404,     OK,      404,     OK,      OK),
    ("reports_api.force", "GET", "surrey"):                 row(401,     404,     OK,      404,     OK,      OK,      OK,
                                                        args=SURREY),
    ("imports_api.create_import", "POST"):                  row(401,     OK,      404,     OK,      404,     403,     OK),
    ("imports_api.create_import", "POST", "roster"):        row(401,     OK,      404,     403,     404,     403,     OK,
                                                        form={"kind": "roster"}),
    ("imports_api.get_import", "GET"):                      row(401,     OK,      404,     404,     404,     404,     OK),
    ("imports_api.get_import", "GET", "regional's own upload"):
                                                    row(401,     OK,      404,     OK,      404,     404,     OK,
                                                        args=REGIONALS_BATCH),
    ("imports_api.rollback_import", "POST"):                row(401,     OK,      404,     404,     404,     404,     OK),
    ("imports_api.rollback_import", "POST", MOVED):         row(401,     OK,      404,     404,     404,     404,     OK,
                                                        args=MOVED_BATCH),
    ("imports_api.get_import", "GET", MOVED):               row(401,     OK,      404,     404,     404,     404,     OK,
                                                        args=MOVED_BATCH),
    ("imports_api.get_import", "GET", "a register sending a line to Surrey"):
                                                    row(401,     OK,      404,     404,     404,     404,     OK,
                                                        args={"batch_id": Ref("sending_batch")}),
    # --- publishing the month's table: MSOICU and admins
    ("emails.publish", "GET"):                   row(SIGN_IN, 403,     403,     403,     403,     OK,      OK),
    ("emails.publish", "POST"):                  row(SIGN_IN, 403,     403,     403,     403,     OK,      OK),
    # --- the national page (aggregates, every signed-in role) and a chief constable's link: public, guarded by its
    #     signed token (a token the service did not sign is a 404 for everyone; tests/briefings has the valid ones)
    ("briefings.national_page", "GET"):           row(SIGN_IN, OK,      OK,      OK,      OK,      OK,      OK),
    ("briefings.chief_page", "GET"):              row(404,     404,     404,     404,     404,     404,     404,
                                                        args={"token": "not-a-signed-token"}),
    # --- administration: admins only
    ("briefings.chief_links", "GET"):             row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("briefings.revoke_link", "POST"):            row(SIGN_IN, 403,     403,     403,     403,     403,     404,
                                                        args={"link_id": 999999}),
    ("briefings.no_leads", "GET"):                row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.admin_home", "GET"):                         row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.users_list", "GET"):                    row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.user_new", "GET"):                      row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.user_new", "POST"):                     row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.user_detail", "GET"):                   row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.user_edit", "GET"):                     row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.user_edit", "POST"):                    row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.user_deactivate", "GET"):               row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.user_deactivate", "POST"):              row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.user_reactivate", "POST"):              row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.user_password", "GET"):                 row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.user_password", "POST"):                row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.user_unlock", "POST"):                  row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.token_new", "GET"):                     row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.token_new", "POST"):                    row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.token_revoke", "GET"):                  row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("accounts.token_revoke", "POST"):                 row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("forces.forces_list", "GET"):                   row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("forces.force_edit", "GET"):                    row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("forces.force_edit", "POST"):                   row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("forces.rules", "GET"):                         row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("forces.rule_new", "GET"):                      row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("forces.rule_new", "POST"):                     row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("forces.rule_edit", "GET"):                     row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("forces.rule_edit", "POST"):                    row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("forces.rule_delete", "GET"):                   row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("forces.rule_delete", "POST"):                  row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("forces.requirement_edit", "GET"):              row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("forces.requirement_edit", "POST"):             row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    # due dates (issue 16): the grace period and validities, and the check-your-answers step that saves them
    ("forces.due_dates_edit", "GET"):                row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("forces.due_dates_edit", "POST"):               row(SIGN_IN, 403,     403,     403,     403,     403,     OK,
                                                         form={"grace_days": "60"}),
    ("forces.due_dates_confirm", "POST"):            row(SIGN_IN, 403,     403,     403,     403,     403,     OK,
                                                         form={"grace_days": "60"}),
    ("audit.audit_log", "GET"):                     row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("audit.audit_csv", "GET"):                     row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("scheduler.index", "GET"):                     row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("scheduler.edit", "GET"):                      row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("scheduler.edit", "POST"):                     row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("scheduler.publish_step", "POST"):             row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("emails.email_log", "GET"):                 row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("emails.email_log_csv", "GET"):             row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("emails.send_now", "GET"):                  row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("emails.send_now", "POST"):                 row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("emails.preview", "GET"):                   row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("emails.preview_html", "GET"):              row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
    ("emails.preview_attachment", "GET"):        row(SIGN_IN, 403,     403,     403,     403,     403,     OK),
}
# fmt: on

# Pages that carry aggregates only, whoever looks (admins included): the national views and the chief constable's
# email ("never in national views ... or emails to chief constables", DESIGN.md).
AGGREGATES_ONLY = frozenset({
    "reports.dashboard", "reports.league_table", "reports.league_table_csv", "reports.league_table_xlsx",
    "reports.region_page", "reports_api.league_table", "reports_api.force", "emails.publish", "emails.preview",
    "emails.preview_html", "emails.preview_attachment", "briefings.national_page", "briefings.chief_page",
})
