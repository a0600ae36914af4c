import time
from datetime import date
from sqlalchemy import insert
from lms.extensions import db
from lms.forces.service import get_force
from lms.matches import decisions, queue, roster
from lms.models import LearningRecord
from tests.matches.conftest import *  # noqa

def test_timing(world, signed_in):
    kent = get_force("kent")
    rows = []
    for n in range(40000):
        rows.append(dict(batch_id=world.batch_id, force_id=kent.id, person_id=None, match_method=None, dismissed=False,
                         requirement_code=f"M{n % 4 + 1}", status="Completed", completed=True, completed_on=date(2025, 6, 1),
                         source_row=n, staff_number=f"Z{n // 4}", email=None, first_name=f"First{n//4}", last_name=f"Last{n//4}",
                         identity_key=f"s:z{n // 4}|e:|n:first{n//4} last{n//4}"))
    db.session.execute(insert(LearningRecord), rows)
    for n in range(30):
        queue.dismiss(kent, f"s:z{n}|e:|n:first{n} last{n}", None)
    db.session.commit()
    client, _ = signed_in("force_lead", force="kent")
    for url in ("/forces/kent/decisions", "/forces/kent/decisions?page=2", "/forces/kent/unmatched",
                "/forces/kent/unmatched/people.json?q=whit", "/forces/kent/unmatched/accept-all?minimum=90"):
        t = time.perf_counter(); r = client.get(url); print(url, r.status_code, f"{time.perf_counter()-t:.2f}s", len(r.data))
    did = decisions.page_of(kent, 1)[0][0].id
    t = time.perf_counter(); r = client.post(f"/forces/kent/decisions/{did}/undo"); print("undo", r.status_code, f"{time.perf_counter()-t:.2f}s")
