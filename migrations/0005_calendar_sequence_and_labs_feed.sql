-- A manager's labs feed gets its own secret: whoever holds the personal feed's URL must not read
-- every member's bookings of the manager's labs.
ALTER TABLE "users" ADD COLUMN "labs_calendar_token" text;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_labs_calendar_token_unique" UNIQUE("labs_calendar_token");--> statement-breakpoint
-- The iCalendar SEQUENCE of a booking's event, a counter instead of "seconds since creation"
-- (two changes within one second shared a number, and calendar apps kept the older one).
ALTER TABLE "bookings" ADD COLUMN "sequence" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Start where the old formula left each booking, so that no calendar app that already holds an
-- event sees its number go down.
UPDATE "bookings" SET "sequence" = greatest(0, floor(extract(epoch from "updated_at" - "created_at")))::integer;--> statement-breakpoint
-- Mail: an HTML part beside the text, and a date after which a message is not worth sending
-- (a reminder once its booking started), recorded as dropped rather than sent late.
ALTER TABLE "outbox" ADD COLUMN "html" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "not_after" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "dropped_at" timestamp with time zone;--> statement-breakpoint
-- Raised by the database on every change of a booking, whichever module writes it (the lifecycle,
-- maintenance, closures, account deletion, jobs): none of them can forget it.
CREATE FUNCTION "bookings_raise_sequence"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."sequence" := OLD."sequence" + 1;
  RETURN NEW;
END;
$$;--> statement-breakpoint
-- Every UPDATE counts: a WHEN (OLD.* IS DISTINCT FROM NEW.*) is refused on a table with a
-- generated column, and writers do not update a booking without changing it.
CREATE TRIGGER "bookings_raise_sequence" BEFORE UPDATE ON "bookings"
  FOR EACH ROW EXECUTE FUNCTION "bookings_raise_sequence"();

