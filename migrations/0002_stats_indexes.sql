-- Indexes for the monthly statistics. A booking that starts before a month and runs into it is
-- found by the range of its time (bookings_lab_start_idx finds those that start in the month);
-- the bookings of a class session by its id.
CREATE INDEX "bookings_lab_period_idx" ON "bookings" USING gist ("lab_id", tstzrange("start_at", "end_at", '[)'));
--> statement-breakpoint
CREATE INDEX "bookings_class_session_idx" ON "bookings" ("class_session_id") WHERE "class_session_id" IS NOT NULL;
