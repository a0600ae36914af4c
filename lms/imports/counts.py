"""A batch's counts in words that say what they count, for the CLI's text and the page's messages.

Rows read are not records found (a wide College Learn row holds a record per module), records are not people
("Matched to people: 97 records, 32 people"), rows for other courses are skipped, not accepted, and each kind says
only what applies to it: a Hydra register never reports "0 people added, 0 leavers".
"""

from __future__ import annotations

from lms.core.text import count_of, kind_label

NEW_COMPLETIONS = {"college-learn": "module", "hydra": "person"}


def _percent(value: float | None) -> str:
    return "no figure" if value is None else f"{value:.1f}%"


def _rank(value: int | None) -> str:
    return "unranked" if value is None else str(value)


def effect_text(row: dict) -> str:
    """One force's effect: "Kent Police: overall 36.2% → 42.6%, rank 5 → 3" (or "no change")."""
    before, after = row["before"], row["after"]
    if before == after:
        now = f"overall {_percent(after['overall']['percent'])}, rank {_rank(after['rank'])}"
        return f"{row['name']}: no change ({now})"
    return (f"{row['name']}: overall {_percent(before['overall']['percent'])} → {_percent(after['overall']['percent'])}"
            f", rank {_rank(before['rank'])} → {_rank(after['rank'])}")


def new_completions_text(summary: dict) -> str:
    """What the new completions are, for the kind: modules newly completed, or people at their first Hydra session."""
    n = summary.get("new_completions", 0)
    if summary.get("kind") == "hydra":
        return f"{count_of(n, 'person')} attending Hydra for the first time"
    return f"{count_of(n, 'new module completion')}"


def matched_text(summary: dict) -> str:
    """"97 records, 32 people": records and the people they belong to, kept apart."""
    text = count_of(summary.get("matched", 0), "record")
    if "matched_people" in summary:
        text += f", {count_of(summary['matched_people'], 'person')}"
    return text


def lines(summary: dict) -> list[str]:
    """The summary's counts as the CLI prints them, one line per subject, only those that apply to the kind."""
    kind = summary.get("kind")
    errors = max(summary.get("rows", 0) - summary.get("accepted", 0) - summary.get("skipped_other_courses", 0), 0)
    read = [f"Rows read {summary.get('rows', 0):,}", f"rows accepted {summary.get('accepted', 0):,}"]
    if "records" in summary:
        read.append(f"records found {summary['records']:,}")
    if kind == "college-learn":
        read.append(f"rows for other courses {summary.get('skipped_other_courses', 0):,} (skipped)")
    if errors:
        read.append(f"rows with errors {errors:,} (skipped)")
    out = ["; ".join(read)]
    if kind == "roster":
        out.append(f"People added {summary.get('people_added', 0):,}; people updated "
                   f"{summary.get('people_updated', 0):,}; leavers {summary.get('leavers', 0):,}")
    else:
        by_name = (summary.get("lists") or {}).get("by_name")
        matched = f"Matched to people: {matched_text(summary)}"
        if by_name:
            matched += f" ({count_of(by_name, 'record')} by name only: check them)"
        out.append(f"{matched}; not matched: {count_of(summary.get('unmatched', 0), 'record')}")
        if kind == "hydra":
            out.append(f"Sessions {summary.get('sessions', 0):,}")
        out.append(f"New: {new_completions_text(summary)}")
        for code, n in (summary.get("sent_to_other_forces") or {}).items():
            out.append(f"{count_of(n, 'row')} sent to {code} for their lead to accept")
    for row in (summary.get("effect") or {}).get("forces", []):
        out.append(f"Effect on the figures: {effect_text(row)}")
    return out


def committed_message(batch_id: int, summary: dict) -> str:
    """The message after a commit: what it did, in the words of its kind."""
    kind = summary.get("kind")
    if kind == "roster":
        did = (f"{count_of(summary.get('people_added', 0), 'person')} added, "
               f"{count_of(summary.get('people_updated', 0), 'person')} updated, "
               f"{count_of(summary.get('leavers', 0), 'leaver')}")
    else:
        did = (f"{new_completions_text(summary)}; matched to people: {matched_text(summary)}; "
               f"not matched: {count_of(summary.get('unmatched', 0), 'record')}")
    return f"Batch {batch_id} committed ({kind_label(kind)}): {did}"
