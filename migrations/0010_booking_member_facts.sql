-- A booking records who its member was when it was made (category and gender), so that a later
-- profile edit never rewrites a month already reported; a class's or a series' bookings are
-- reported as a group ('class_session', GROUP_CATEGORY in shared), not in the category of the
-- manager who booked them. The database fills them on insert, whoever writes the row, from the
-- member's row as it is in the inserting transaction (which holds the member's lock). Rows of
-- accounts deleted outright before this release (no user row left) keep NULL.
ALTER TABLE "bookings" ADD COLUMN "category" text;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "gender" text;--> statement-breakpoint
CREATE FUNCTION "bookings_record_member"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW."category" IS NULL THEN
		IF NEW."class_session_id" IS NOT NULL OR NEW."series_id" IS NOT NULL THEN
			NEW."category" := 'class_session';
			NEW."gender" := 'undisclosed';
		ELSE
			SELECT u."category", u."gender" INTO NEW."category", NEW."gender" FROM "users" u WHERE u."id" = NEW."user_id";
		END IF;
	END IF;
	RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "bookings_record_member" BEFORE INSERT ON "bookings"
	FOR EACH ROW EXECUTE FUNCTION "bookings_record_member"();--> statement-breakpoint
UPDATE "bookings" b SET
	"category" = CASE WHEN b."class_session_id" IS NOT NULL OR b."series_id" IS NOT NULL THEN 'class_session' ELSE u."category" END,
	"gender" = CASE WHEN b."class_session_id" IS NOT NULL OR b."series_id" IS NOT NULL THEN 'undisclosed' ELSE u."gender" END
FROM "users" u WHERE u."id" = b."user_id";--> statement-breakpoint
UPDATE "bookings" SET "category" = 'class_session', "gender" = 'undisclosed'
WHERE "category" IS NULL AND ("class_session_id" IS NOT NULL OR "series_id" IS NOT NULL);--> statement-breakpoint
-- The usage of a class's or series' bookings is the group's too.
UPDATE "usage_sessions" s SET "category" = 'class_session', "gender" = 'undisclosed'
FROM "bookings" b
WHERE b."id" = s."booking_id" AND (b."class_session_id" IS NOT NULL OR b."series_id" IS NOT NULL);--> statement-breakpoint
-- No booking is longer than a machine's longest allowed length (MAX_BOOKING_MINUTES in shared), so
-- the weekly-quota query reads one bounded range of the member's bookings, not their history.
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_length_check" CHECK ("end_at" - "start_at" <= interval '10080 minutes');
