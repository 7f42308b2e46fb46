"""The state database schema (SQLAlchemy Core), shared by the state store and the local tracker.

One ``MetaData`` so one versioned migration scheme (:mod:`sync.store.migrations`) covers both.
Unique constraints carry the exactly-once guarantees: one ticket and at most one create intent
per (tracker, owner key), so two concurrent runs cannot both own one item.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

schema_version = Table(
    "pmsync_schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

postmortems = Table(
    "postmortems",
    metadata,
    Column("incident_key", String(200), primary_key=True),
    Column("path", Text, nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("incident_id", String(200)),
    Column("title", Text),
    Column("severity", String(10)),
    Column("started_at", DateTime(timezone=True)),
    Column("ended_at", DateTime(timezone=True)),
    Column("review_date", Date),
    Column("data", JSON, nullable=False),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    # The planner's "today" (in the team's time zone) when first seen: undated items count from it.
    Column("first_seen_on", Date, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

action_items = Table(
    "action_items",
    metadata,
    Column("item_key", String(220), primary_key=True),
    Column("incident_key", String(200), ForeignKey("postmortems.incident_key"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("owner", Text),
    Column("priority", String(4)),
    Column("deadline", Date),
    Column("due", Date),
    Column("doc_status", String(20)),
    Column("present", Boolean, nullable=False, default=True),
    Column("removed_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_action_items_incident", "incident_key"),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_key", String(220), nullable=False),  # item key, or incident key for parents
    Column("kind", String(10), nullable=False),  # "item" | "incident"
    Column("tracker", String(20), nullable=False),
    Column("ticket_key", String(200), nullable=False),
    Column("url", Text),
    Column("marker", String(240)),  # the marker written on the ticket; never changes
    Column("adopted", Boolean, nullable=False, default=False),
    Column("synced_fields", JSON),  # the draft fields last written to the tracker
    Column("status", String(20)),
    Column("status_raw", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Issue 12: the tracker's immutable id (pull follows a ticket whose key changed), its scope
    # (project / repository: pull cursors are per scope), whether an item hangs under its parent
    # (False: an attach write is still owed), and a status owed by a second write after a create
    # on a backend that cannot create in that state.
    Column("ticket_id", String(200)),
    Column("scope", String(200)),
    Column("attached", Boolean),
    Column("pending_status", String(20)),
    # Issue 23: the tracker's own change time of the recorded status (an older observation, e.g.
    # a lagging search index's stale copy, never replaces it), and the day a transition was found
    # impossible in the tracker's workflow (not tried again that day unless the document changes).
    Column("status_changed_at", DateTime(timezone=True)),
    Column("blocked_on", Date),
    UniqueConstraint("tracker", "owner_key", name="uq_tickets_owner"),
    UniqueConstraint("tracker", "ticket_key", name="uq_tickets_key"),
    # A pull matches each ticket by its immutable id first (issue 26: a scan per ticket was quadratic).
    Index("ix_tickets_ticket_id", "tracker", "ticket_id"),
)

create_intents = Table(
    "create_intents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_key", String(220), nullable=False),
    Column("tracker", String(20), nullable=False),
    # The holder: the run (process) that wrote the intent. While it lives, nobody else touches
    # the intent; a dead holder's intent is settled by marker lookup (sync.apply).
    Column("attempt_id", String(64), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("marker", String(240), nullable=False),  # what to search for if the run dies
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Issue 12: when the create was last attempted (the search-lag bound counts from here), and
    # the status to set after the create when the backend cannot create in it.
    Column("attempted_at", DateTime(timezone=True)),
    Column("then_status", String(20)),
    UniqueConstraint("tracker", "owner_key", name="uq_create_intents_owner"),
)

links = Table(
    "ticket_links",
    metadata,
    Column("tracker", String(20), primary_key=True),
    Column("a_key", String(200), primary_key=True),
    Column("b_key", String(200), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

status_history = Table(
    "status_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_key", String(220), nullable=False),
    Column("tracker", String(20), nullable=False),
    Column("ticket_key", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("status_raw", Text),
    Column("observed_at", DateTime(timezone=True), nullable=False),
    Column("changed_at", DateTime(timezone=True)),
    Index("ix_status_history_item", "item_key", "observed_at"),
    # A pull asks, per ticket, whether this status change is already recorded (issue 26).
    Index("ix_status_history_ticket", "tracker", "ticket_key", "changed_at"),
)

sync_runs = Table(
    "sync_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("command", String(40), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("created", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("errors", JSON, nullable=False, default=list),
)

item_failures = Table(
    "item_failures",
    metadata,
    Column("owner_key", String(220), primary_key=True),
    Column("run_id", Integer, nullable=False),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False, default=1),
    Column("last_failed_at", DateTime(timezone=True), nullable=False),
)

# One pull cursor per tracker scope (project / repository; "" for the tracker's default), since
# routing sends incidents to several. Replaces the one-per-tracker ``pull_cursors`` table.
pull_scope_cursors = Table(
    "pull_scope_cursors",
    metadata,
    Column("tracker", String(20), primary_key=True),
    Column("scope", String(200), primary_key=True),
    Column("cursor", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# --- the embedded local tracker (sync.trackers.local_tracker) -------------------------------

local_sequence = Table(
    "local_sequence",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", Integer, nullable=False),
)

local_tickets = Table(
    "local_tickets",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("key", String(40), nullable=False, unique=True),
    Column("marker_key", String(220), unique=True),
    Column("marker_label", String(40)),
    Column("kind", String(10), nullable=False),  # "item" | "incident"
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("priority", String(4)),
    Column("assignee", Text),
    Column("due", Date),
    Column("labels", JSON, nullable=False),
    Column("project", String(100)),
    Column("parent_key", String(40)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("change_seq", Integer, nullable=False),
    Index("ix_local_tickets_change_seq", "change_seq"),
)

local_links = Table(
    "local_links",
    metadata,
    Column("a_key", String(40), primary_key=True),
    Column("b_key", String(40), primary_key=True),
    Column("kind", String(20), primary_key=True),
)

local_status_log = Table(
    "local_status_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

local_comments = Table(
    "local_comments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(40), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# --- reports: nudges sent and publications to retry (sync.report_publish) ----------------------

report_nudges = Table(
    "report_nudges",
    metadata,
    Column("item_key", String(220), primary_key=True),
    Column("nudge_window", String(40), primary_key=True),  # "overdue:2026-03-10", "before-due:…"
    Column("ticket_key", String(200)),
    Column("state", String(10), nullable=False),  # "sending" (never repeated) | "sent" | "failed"
    Column("error", Text),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

report_publications = Table(
    "report_publications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target", String(40), nullable=False),  # "webhook"
    Column("name", String(200), nullable=False),  # "weekly-2026-04-01"
    Column("body", Text, nullable=False),
    Column("state", String(10), nullable=False),  # "pending" | "sent"
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("target", "name", name="uq_report_publications"),
)

# --- authoring (``pmsync new``) -------------------------------------------------------------

# Incident ids handed out by ``pmsync new``: the primary key is what makes two concurrent runs in
# one repository take different ids (the second insert of an id fails and it takes the next one).
incident_id_claims = Table(
    "incident_id_claims",
    metadata,
    Column("incident_id", String(200), primary_key=True),
    Column("path", Text),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
)

# What pmsync last wrote into a document's Status cell, per ticket (issue 18.4): a cell that no longer
# says it was edited by a person, and is reported instead of reverted.
written_statuses = Table(
    "written_statuses",
    metadata,
    Column("tracker", String(20), primary_key=True),
    Column("ticket_key", String(200), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
)

# --- the service (sync.service.app): job slots and webhook deliveries --------------------------------

service_job_runs = Table(
    "service_job_runs",
    metadata,
    # One row per (job, slot): the primary key is what makes a slot run at most once, even when
    # a replica takes over the schedule from a leader that died.
    Column("job", String(40), primary_key=True),
    Column("slot", String(40), primary_key=True),
    Column("holder", String(64), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("outcome", String(20), nullable=False),  # running | ok | failed | stopped
    Column("error", Text),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("source", String(20), primary_key=True),  # github | jira
    Column("delivery_id", String(200), primary_key=True),
    Column("ticket_key", String(200)),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(20), nullable=False),
)

webhook_marks = Table(
    "webhook_marks",
    metadata,
    # The tracker's ``updated`` time of the newest event applied per ticket: an older delivery
    # arriving late never overwrites a newer status.
    Column("tracker", String(20), primary_key=True),
    Column("ticket_key", String(200), primary_key=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# --- the GitHub adapter's write ledger (sync.trackers.github_pacing) --------------------------------

tracker_writes = Table(
    "tracker_writes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # One budget per API host and token owner, e.g. "github:https://api.github.com".
    Column("budget", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_tracker_writes_budget_at", "budget", "at"),
)


# Parse results by document, reused while the document, the options and the parser are the same
# (sync/store/parse_cache.py; issue 26). One row per path.
parse_cache = Table(
    "parse_cache",
    metadata,
    Column("path", String(1000), primary_key=True),
    Column("key", String(64), nullable=False),
    Column("result", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
