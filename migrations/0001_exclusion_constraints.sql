-- Overlap is refused by the database itself, not only by application code: two bookings that
-- hold their slot (pending, approved, checked_in) never overlap on one machine, where a booking
-- occupies [start_at, occupied_until) = its time plus the machine's buffer.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "occupied" tstzrange GENERATED ALWAYS AS (tstzrange("start_at", "occupied_until", '[)')) STORED;
--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_no_overlap" EXCLUDE USING gist ("machine_id" WITH =, "occupied" WITH &&) WHERE ("status" IN ('pending', 'approved', 'checked_in'));
--> statement-breakpoint
-- An open usage session (no end yet) runs until it is closed.
ALTER TABLE "usage_sessions" ADD CONSTRAINT "usage_no_overlap" EXCLUDE USING gist ("machine_id" WITH =, tstzrange("start_at", coalesce("end_at", 'infinity'::timestamptz), '[)') WITH &&);
--> statement-breakpoint
CREATE INDEX "maintenance_period_idx" ON "maintenance_windows" USING gist ("machine_id", tstzrange("start_at", "end_at", '[)'));
