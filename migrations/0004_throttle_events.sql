-- Throttle counters in the database, so that every server process counts against the same budgets
-- (server/src/lib/throttle.ts). One row per recent event; a job purges what no window still needs.
CREATE TABLE "throttle_events" (
	"key" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "throttle_events_key_at_idx" ON "throttle_events" USING btree ("key","at");