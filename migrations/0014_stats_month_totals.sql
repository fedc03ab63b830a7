-- Stored totals of closed months, so that a 12-month trend reads eleven stored rows and computes
-- only what can still change. A stored row is used only while it is exact: every write to a table
-- a figure reads notes the lab and the stretch of time it touched in stats_changes, with its
-- transaction id, and a stored row is void as soon as a noted change exists that its computation
-- may not have seen (a transaction not visible in the snapshot taken before it began). Writers
-- never wait on each other or on a reader for this: a note is an insert of its own row.
--
-- Both tables are UNLOGGED: they hold nothing the database cannot compute again, a crash empties
-- them together, and a stored row also names the postmaster it was computed under, so that a copy
-- of the rows in another cluster (a dump restored elsewhere, with other transaction ids) is void.
CREATE UNLOGGED TABLE "stats_month_totals" (
	"scope_key" text NOT NULL,
	"month" text NOT NULL,
	"lab_ids" uuid[] NOT NULL,
	-- From the earliest start to the latest end of the month over the scope's lab zones.
	"span" tstzrange NOT NULL,
	"snapshot" pg_snapshot NOT NULL,
	"postmaster_started" timestamptz NOT NULL,
	"totals" jsonb NOT NULL,
	PRIMARY KEY ("scope_key", "month")
);--> statement-breakpoint
CREATE UNLOGGED TABLE "stats_changes" (
	"xid" xid8 NOT NULL DEFAULT pg_current_xact_id(),
	-- NULL: every lab (an account's row, which belongs to no lab).
	"lab_id" uuid,
	"during" tstzrange NOT NULL
);--> statement-breakpoint
CREATE INDEX "stats_changes_xid_idx" ON "stats_changes" USING btree ("xid");--> statement-breakpoint
-- The transaction horizon of the last pruning: notes older than the one before it are gone, so a
-- row may be stored only from a snapshot that sees every transaction older than this one.
CREATE UNLOGGED TABLE "stats_prune" (
	"id" int PRIMARY KEY CHECK ("id" = 1),
	"horizon" xid8 NOT NULL
);--> statement-breakpoint
INSERT INTO "stats_prune" ("id", "horizon") VALUES (1, pg_snapshot_xmin(pg_current_snapshot()));--> statement-breakpoint
-- A write whose earliest touched instant lies less than 6 hours before its statement (the usual
-- case: today's bookings, a session being metered now) needs no note: a month is stored only once
-- it ended 7 hours ago by the database's clock (STORE_AFTER_MS in stats-month-store.repository.ts), so any
-- later computation of it begins after such a writer committed, unless the writer's transaction
-- stayed open for over an hour. NULL bounds are unbounded: the row counts for every month.
CREATE FUNCTION "stats_note"("lab" uuid, "from_at" timestamptz, "to_at" timestamptz) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO "stats_changes" ("lab_id", "during")
	SELECT "lab", tstzrange("from_at", greatest("from_at", "to_at"), '[]')
	WHERE "from_at" IS NULL OR "from_at" < statement_timestamp() - interval '6 hours'
$$;--> statement-breakpoint
-- The busy tables are noted per statement, one stretch per lab from the rows' earliest start to
-- their latest end, so that a bulk write adds a note per lab, not per row: bookings, usage
-- sessions (an open one runs on: its stretch has no end), class sessions and maintenance.
CREATE FUNCTION "stats_timed_rows_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		INSERT INTO "stats_changes" ("lab_id", "during")
		SELECT "lab_id", tstzrange(min("start_at"), max(coalesce("end_at", 'infinity')), '[]') FROM "old_rows"
		WHERE "start_at" < statement_timestamp() - interval '6 hours' GROUP BY "lab_id";
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO "stats_changes" ("lab_id", "during")
		SELECT "lab_id", tstzrange(min("start_at"), max(coalesce("end_at", 'infinity')), '[]') FROM "new_rows"
		WHERE "start_at" < statement_timestamp() - interval '6 hours' GROUP BY "lab_id";
	END IF;
	RETURN NULL;
END
$$;--> statement-breakpoint
-- A quarter hour a switch measured. The session row is found by its key; one deleted with its
-- session was noted with the session.
CREATE FUNCTION "stats_usage_meter_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		INSERT INTO "stats_changes" ("lab_id", "during")
		SELECT s."lab_id", tstzrange(min(r."quarter_start"), max(r."quarter_start") + interval '15 minutes', '[]')
		FROM "old_rows" r JOIN "usage_sessions" s ON s."id" = r."usage_session_id"
		WHERE r."quarter_start" < statement_timestamp() - interval '6 hours' GROUP BY s."lab_id";
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO "stats_changes" ("lab_id", "during")
		SELECT s."lab_id", tstzrange(min(r."quarter_start"), max(r."quarter_start") + interval '15 minutes', '[]')
		FROM "new_rows" r JOIN "usage_sessions" s ON s."id" = r."usage_session_id"
		WHERE r."quarter_start" < statement_timestamp() - interval '6 hours' GROUP BY s."lab_id";
	END IF;
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "bookings_stats_insert" AFTER INSERT ON "bookings" REFERENCING NEW TABLE AS "new_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_timed_rows_changed"();--> statement-breakpoint
CREATE TRIGGER "bookings_stats_update" AFTER UPDATE ON "bookings" REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_timed_rows_changed"();--> statement-breakpoint
CREATE TRIGGER "bookings_stats_delete" AFTER DELETE ON "bookings" REFERENCING OLD TABLE AS "old_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_timed_rows_changed"();--> statement-breakpoint
CREATE TRIGGER "usage_sessions_stats_insert" AFTER INSERT ON "usage_sessions" REFERENCING NEW TABLE AS "new_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_timed_rows_changed"();--> statement-breakpoint
CREATE TRIGGER "usage_sessions_stats_update" AFTER UPDATE ON "usage_sessions" REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_timed_rows_changed"();--> statement-breakpoint
CREATE TRIGGER "usage_sessions_stats_delete" AFTER DELETE ON "usage_sessions" REFERENCING OLD TABLE AS "old_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_timed_rows_changed"();--> statement-breakpoint
CREATE TRIGGER "usage_meter_stats_insert" AFTER INSERT ON "usage_meter" REFERENCING NEW TABLE AS "new_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_usage_meter_changed"();--> statement-breakpoint
CREATE TRIGGER "usage_meter_stats_update" AFTER UPDATE ON "usage_meter" REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_usage_meter_changed"();--> statement-breakpoint
CREATE TRIGGER "usage_meter_stats_delete" AFTER DELETE ON "usage_meter" REFERENCING OLD TABLE AS "old_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_usage_meter_changed"();--> statement-breakpoint
CREATE TRIGGER "class_sessions_stats_insert" AFTER INSERT ON "class_sessions" REFERENCING NEW TABLE AS "new_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_timed_rows_changed"();--> statement-breakpoint
CREATE TRIGGER "class_sessions_stats_update" AFTER UPDATE ON "class_sessions" REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_timed_rows_changed"();--> statement-breakpoint
CREATE TRIGGER "class_sessions_stats_delete" AFTER DELETE ON "class_sessions" REFERENCING OLD TABLE AS "old_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_timed_rows_changed"();--> statement-breakpoint
CREATE TRIGGER "maintenance_windows_stats_insert" AFTER INSERT ON "maintenance_windows" REFERENCING NEW TABLE AS "new_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_timed_rows_changed"();--> statement-breakpoint
CREATE TRIGGER "maintenance_windows_stats_update" AFTER UPDATE ON "maintenance_windows" REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_timed_rows_changed"();--> statement-breakpoint
CREATE TRIGGER "maintenance_windows_stats_delete" AFTER DELETE ON "maintenance_windows" REFERENCING OLD TABLE AS "old_rows"
	FOR EACH STATEMENT EXECUTE FUNCTION "stats_timed_rows_changed"();--> statement-breakpoint
-- The rarely written tables, a row at a time. A lab's zone and opening hours, and a machine's lab,
-- type, status and approval, count for every month of the lab; a new or removed lab for every
-- scope. Booking rules and names are no stored figure's business.
CREATE FUNCTION "stats_lab_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM "stats_note"(CASE WHEN TG_OP = 'UPDATE' THEN NEW."id" END, NULL, NULL);
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "labs_stats" AFTER INSERT OR DELETE ON "labs"
	FOR EACH ROW EXECUTE FUNCTION "stats_lab_changed"();--> statement-breakpoint
CREATE TRIGGER "labs_stats_update" AFTER UPDATE ON "labs"
	FOR EACH ROW WHEN ((OLD."timezone", OLD."opening_hours") IS DISTINCT FROM (NEW."timezone", NEW."opening_hours"))
	EXECUTE FUNCTION "stats_lab_changed"();--> statement-breakpoint
CREATE FUNCTION "stats_machine_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD."lab_id" IS DISTINCT FROM NEW."lab_id") THEN
		PERFORM "stats_note"(OLD."lab_id", NULL, NULL);
	END IF;
	IF TG_OP <> 'DELETE' THEN PERFORM "stats_note"(NEW."lab_id", NULL, NULL); END IF;
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "machines_stats" AFTER INSERT OR DELETE ON "machines"
	FOR EACH ROW EXECUTE FUNCTION "stats_machine_changed"();--> statement-breakpoint
CREATE TRIGGER "machines_stats_update" AFTER UPDATE ON "machines"
	FOR EACH ROW WHEN ((OLD."lab_id", OLD."type", OLD."status", OLD."requires_approval") IS DISTINCT FROM (NEW."lab_id", NEW."type", NEW."status", NEW."requires_approval"))
	EXECUTE FUNCTION "stats_machine_changed"();--> statement-breakpoint
-- Which machines have a power switch decides where measured figures are zero rather than empty;
-- a switch's reports (last seen, output, power) change nothing the statistics read.
CREATE TRIGGER "devices_stats" AFTER INSERT OR DELETE ON "devices"
	FOR EACH ROW EXECUTE FUNCTION "stats_machine_changed"();--> statement-breakpoint
CREATE TRIGGER "devices_stats_update" AFTER UPDATE ON "devices"
	FOR EACH ROW WHEN ((OLD."kind", OLD."lab_id", OLD."machine_id") IS DISTINCT FROM (NEW."kind", NEW."lab_id", NEW."machine_id"))
	EXECUTE FUNCTION "stats_machine_changed"();--> statement-breakpoint
-- A closed day is a local date: a day either side of it covers it in every zone.
CREATE FUNCTION "stats_closure_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		PERFORM "stats_note"(OLD."lab_id", (OLD."from_date" - 1)::timestamp AT TIME ZONE 'UTC', (OLD."to_date" + 2)::timestamp AT TIME ZONE 'UTC');
	END IF;
	IF TG_OP <> 'DELETE' THEN
		PERFORM "stats_note"(NEW."lab_id", (NEW."from_date" - 1)::timestamp AT TIME ZONE 'UTC', (NEW."to_date" + 2)::timestamp AT TIME ZONE 'UTC');
	END IF;
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "closures_stats" AFTER INSERT OR DELETE OR UPDATE ON "closures"
	FOR EACH ROW EXECUTE FUNCTION "stats_closure_changed"();--> statement-breakpoint
-- New members are counted by the month their account was created in, under its role, category
-- and gender; an account belongs to no lab. Sign-ins and profile text change none of that.
CREATE FUNCTION "stats_account_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN PERFORM "stats_note"(NULL, OLD."created_at", OLD."created_at"); END IF;
	IF TG_OP <> 'DELETE' THEN PERFORM "stats_note"(NULL, NEW."created_at", NEW."created_at"); END IF;
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "users_stats" AFTER INSERT OR DELETE ON "users"
	FOR EACH ROW EXECUTE FUNCTION "stats_account_changed"();--> statement-breakpoint
CREATE TRIGGER "users_stats_update" AFTER UPDATE ON "users"
	FOR EACH ROW WHEN ((OLD."role", OLD."category", OLD."gender", OLD."created_at") IS DISTINCT FROM (NEW."role", NEW."category", NEW."gender", NEW."created_at"))
	EXECUTE FUNCTION "stats_account_changed"();--> statement-breakpoint
-- Emptying a table counts for everything.
CREATE FUNCTION "stats_table_emptied"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM "stats_note"(NULL, NULL, NULL);
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "bookings_stats_truncate" AFTER TRUNCATE ON "bookings" FOR EACH STATEMENT EXECUTE FUNCTION "stats_table_emptied"();
--> statement-breakpoint
CREATE TRIGGER "usage_sessions_stats_truncate" AFTER TRUNCATE ON "usage_sessions" FOR EACH STATEMENT EXECUTE FUNCTION "stats_table_emptied"();
--> statement-breakpoint
CREATE TRIGGER "usage_meter_stats_truncate" AFTER TRUNCATE ON "usage_meter" FOR EACH STATEMENT EXECUTE FUNCTION "stats_table_emptied"();
--> statement-breakpoint
CREATE TRIGGER "class_sessions_stats_truncate" AFTER TRUNCATE ON "class_sessions" FOR EACH STATEMENT EXECUTE FUNCTION "stats_table_emptied"();
--> statement-breakpoint
CREATE TRIGGER "maintenance_windows_stats_truncate" AFTER TRUNCATE ON "maintenance_windows" FOR EACH STATEMENT EXECUTE FUNCTION "stats_table_emptied"();
--> statement-breakpoint
CREATE TRIGGER "labs_stats_truncate" AFTER TRUNCATE ON "labs" FOR EACH STATEMENT EXECUTE FUNCTION "stats_table_emptied"();
--> statement-breakpoint
CREATE TRIGGER "machines_stats_truncate" AFTER TRUNCATE ON "machines" FOR EACH STATEMENT EXECUTE FUNCTION "stats_table_emptied"();
--> statement-breakpoint
CREATE TRIGGER "devices_stats_truncate" AFTER TRUNCATE ON "devices" FOR EACH STATEMENT EXECUTE FUNCTION "stats_table_emptied"();
--> statement-breakpoint
CREATE TRIGGER "closures_stats_truncate" AFTER TRUNCATE ON "closures" FOR EACH STATEMENT EXECUTE FUNCTION "stats_table_emptied"();
--> statement-breakpoint
CREATE TRIGGER "users_stats_truncate" AFTER TRUNCATE ON "users" FOR EACH STATEMENT EXECUTE FUNCTION "stats_table_emptied"();
