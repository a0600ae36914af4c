"""Every heading the service recognises, field by field, grouped by the system that writes it.

``Service`` holds the service's own names (DESIGN.md's aliases and the templates' canonical headings); the
other groups are the default headings of the systems forces export from: Moodle (the core completion report
and report builder), Totara report builder, Totara Seminar sign-ups, Moodle's attendance module, and HR
extracts. Headings are compared after :func:`importers.cells.normalise`, so case, spaces and punctuation do
not matter. The help page lists them from :data:`VOCABULARY`.
"""

from __future__ import annotations

SYSTEMS: tuple[str, ...] = ("Service", "Moodle", "Totara", "Seminar", "Moodle attendance", "HR")

# field: (canonical heading, {system: headings}). A heading may appear under one field only.
_VOCABULARY: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {
    "staff_number": ("Staff number", {
        "Service": (
            "Staff number", "Staff No", "Staff ID", "Employee number", "Employee No", "Employee ID", "Payroll number",
            "Payroll No", "Payroll ID", "Warrant number", "Warrant No", "Personnel number", "Personnel No",
            "Personnel Id", "ID number", "Force number", "Force No", "Staff reference",
        ),
        "Moodle": ("ID number", "User ID number", "idnumber"),
        "Totara": ("User ID Number", "User's ID Number"),
        "Seminar": ("User ID Number",),
        "Moodle attendance": ("ID number",),
        "HR": (
            "Personnel Id", "Personnel ID number", "Person number", "Person ID", "Employee reference",
            "Emp No", "Pay number", "Payroll reference", "Assignment number", "Staff Id No",
        ),
    }),
    # A collar number is the staff number only when the file has no other: police staff have none.
    "collar_number": ("Collar number", {
        "Service": ("Collar number", "Collar No"),
        "HR": ("Collar", "Shoulder number", "Collar Id"),
    }),
    "email": ("Email", {
        "Service": ("Email", "Email address", "E-mail", "E-mail address", "Work email", "Work email address"),
        "Moodle": ("Email address",),
        "Totara": ("User's Email", "User Email", "Email Address"),
        "Seminar": ("User's Email",),
        "Moodle attendance": ("Email address",),
        "HR": ("Work e-mail", "Business email", "Email (work)", "Official email"),
    }),
    "forename": ("Forename", {
        "Service": ("Forename", "Forenames", "First name", "First names", "Given name", "Given names"),
        "Moodle": ("First name", "firstname"),
        "Totara": ("User First Name", "User's First Name"),
        "Seminar": ("User First Name",),
        "Moodle attendance": ("First name",),
        "HR": ("Forename 1", "First forename", "Legal first name"),
    }),
    "known_as": ("Known as", {
        "HR": ("Known as", "Preferred name", "Preferred first name", "Preferred forename"),
    }),
    "surname": ("Surname", {
        "Service": ("Surname", "Last name", "Family name"),
        "Moodle": ("Last name", "lastname"),
        "Totara": ("User Last Name", "User's Last Name"),
        "Seminar": ("User Last Name",),
        "Moodle attendance": ("Last name",),
        "HR": ("Last name (legal)", "Legal surname"),
    }),
    "full_name": ("Name", {
        "Service": ("Name", "Full name", "Delegate name", "Delegate", "Learner", "Learner name"),
        "Moodle": (
            "Full name", "Full name with link", "Full name with picture", "Full name with picture and link",
            "User full name",
        ),
        "Totara": ("User's Fullname", "User's Fullname (linked to profile)", "User's Fullname (linked to profile "
                   "with icon)", "Learner's Name"),
        "Seminar": ("Attendee", "Attendee name", "Participant"),
        "Moodle attendance": ("Student", "Student name"),
        "HR": ("Employee name", "Person name", "Full legal name"),
    }),
    "force": ("Force", {
        "Service": ("Force", "Force name", "Organisation", "Organization", "Employer", "Police force"),
        "Moodle": ("Institution",),
        "Totara": (
            "User's Organisation Name(s)", "User's Organisation Name", "Completion Organisation Name",
            "Organisation Name", "Organisation name(s)",
        ),
        "Seminar": ("User's Organisation Name(s)",),
        "HR": ("Force/Organisation", "Home force", "Constabulary"),
    }),
    "course": ("Course", {
        "Service": ("Course", "Course name", "Course title", "Module", "Module name", "Activity"),
        "Moodle": (
            "Course full name", "Course full name with link", "Course short name", "Course short name with link",
            "Course fullname",
        ),
        "Totara": ("Course Name", "Course Name (linked to course page)", "Course Shortname", "Course Title"),
        "Seminar": (),
    }),
    "status": ("Status", {
        "Service": ("Status", "Completion status", "Course completion status"),
        "Moodle": ("Completed", "Course completion", "Completion"),
        "Totara": ("Completion Status", "Course Completion Status", "Is complete", "Completion Status (Text)"),
    }),
    "date_completed": ("Date completed", {
        "Service": (
            "Date completed", "Completion date", "Completed on", "Date of completion", "Time completed",
            "Course complete", "Completed date",
        ),
        "Moodle": ("Time completed", "Course complete", "Completion time", "Date of course completion"),
        "Totara": ("Completion Date", "The completion date", "Date Completed", "Course Completion Date"),
    }),
    "session_date": ("Session date", {
        "Service": ("Session date", "Date of session", "Date", "Course date", "Training date"),
        "Seminar": (
            "Session Start Date/Time", "Session Start", "Session Date", "Local Session Start Date/Time",
            "Session Start Date", "Event date", "Event start date", "Seminar date",
        ),
        "Moodle attendance": ("Session date", "Session start"),
    }),
    "session_reference": ("Session reference", {
        "Service": ("Session reference", "Session ref", "Session ID", "Course reference", "Session", "Session name"),
        "Seminar": ("Seminar Name", "Event ID", "Event name", "Session Name", "Seminar event"),
        "Moodle attendance": ("Session description", "Description"),
    }),
    "venue": ("Venue", {
        "Service": ("Venue", "Location"),
        "Seminar": ("Room", "Room name", "Session Room", "Room Name", "Building", "Session location"),
    }),
    "facilitator": ("Facilitator", {
        "Service": ("Facilitator", "Trainer", "Delivered by", "Facilitators", "Trainers"),
        "Seminar": ("Event facilitator", "Event trainer", "Session trainer", "Trainer name"),
        "Moodle attendance": ("Taken by", "Teacher"),
    }),
    "attended": ("Attended", {
        "Service": ("Attended", "Attendance", "Attendance status", "Attended?"),
        "Seminar": ("Attendee's Status", "Attendee status", "Signup status", "Sign-up status", "Booking status"),
        "Moodle attendance": ("Attendance taken", "Acronym", "Attendance acronym"),
    }),
    "role_category": ("Role category", {
        "Service": ("Role category", "Category", "Role type"),
    }),
    "elearning_required": ("E-learning required", {
        "Service": ("E-learning required", "Elearning required", "E-learning"),
    }),
    "hydra_required": ("Hydra required", {
        "Service": ("Hydra required", "Hydra"),
    }),
    "rank": ("Rank", {
        "Service": ("Rank", "Grade", "Rank or grade", "Rank/grade"),
        "HR": ("Substantive rank", "Current rank", "Rank/Grade description", "Pay grade"),
    }),
    "role": ("Role", {
        "Service": ("Role", "Job title", "Position", "Job role"),
        "Totara": ("User's Position Name(s)", "User's Job Title", "Completion Position Name", "Position Name"),
        "HR": ("Post title", "Job description", "Post", "Assignment title"),
    }),
    "department": ("Department", {
        "Service": ("Department", "Unit", "Team", "BCU", "Command"),
        "Moodle": ("Department",),
        "HR": ("Division", "Directorate", "Section", "Cost centre", "Business area", "OCU", "Basic command unit"),
    }),
    "exempt_until": ("Exempt until", {
        "Service": ("Exempt until", "Exemption until", "Exemption end date", "Exemption expires"),
    }),
    "exemption_reason": ("Exemption reason", {
        "Service": ("Exemption reason", "Reason for exemption", "Exempt reason"),
    }),
    "start_date": ("Start date", {
        "Service": ("Start date", "Date started"),
        "HR": (
            "Date joined", "Joining date", "Date of joining", "Hire date", "Date of appointment",
            "Appointment date", "Employment start date", "Assignment start date", "Date of entry",
            "Service start date", "Continuous service date",
        ),
    }),
    "leaving_date": ("Leaving date", {
        "Service": ("Leaving date", "Date left", "Leave date"),
        "HR": (
            "Termination date", "Date of leaving", "Actual termination date", "End date", "Employment end date",
            "Assignment end date", "Date of termination", "Leaver date",
        ),
    }),
    "record_status": ("Record status", {
        "Service": ("Record status",),
        "HR": ("Employment status", "Employee status", "Assignment status", "Person status", "Person type"),
    }),
    "deleted": ("Deleted", {
        "Service": ("Deleted",),
        "Moodle": ("deleted",),
        "HR": ("Deleted flag", "Is deleted", "Record deleted"),
    }),
}


def vocabulary() -> dict[str, dict[str, tuple[str, ...]]]:
    """Per canonical column name, every heading recognised for it, grouped by system (only non-empty groups)."""
    return {canonical: {system: tuple(headings) for system, headings in groups.items() if headings}
            for canonical, groups in _VOCABULARY.values()}


VOCABULARY: dict[str, dict[str, tuple[str, ...]]] = vocabulary()

# field -> (canonical heading, every heading of every system, de-duplicated in order)
FIELD_HEADINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    name: (canonical, tuple(dict.fromkeys(h for headings in groups.values() for h in headings)))
    for name, (canonical, groups) in _VOCABULARY.items()
}
