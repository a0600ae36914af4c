import sys; sys.path.insert(0, "tests")
from test_emails_support import *
from lms.services import emails, reports
def test_smoke(app, smtp, runner, create_user):
    create_user("admin", email="admin1@example.invalid")
    load_scenario()
    set_chiefs(kent="chief@kent.invalid", essex="chief@essex.invalid")
    r = runner.invoke(args=["lms", "send-league-tables", "--dry-run"])
    print(r.output, r.exception)
    import time_machine
    with time_machine.travel(datetime(2026,5,1,7,0,tzinfo=__import__("zoneinfo").ZoneInfo("Europe/London"))):
        r = runner.invoke(args=["lms", "send-league-tables"])
        print(r.output, r.exception)
    for m in smtp.received:
        print(m.rcpt_tos, m.subject)
    print(smtp.to("chief@kent.invalid")[0].text)
    print(smtp.to("chief@kent.invalid")[0].workbook_rows()[:6])
    assert 0
