-- A lab's version: raised on every change of its row (opening hours, settings, time zone, …) or of
-- its closures, by the database, whichever code writes them. A booking's transaction reads it
-- under a share lock (SELECT … FOR SHARE) and rechecks its cached copy of the lab's rules against
-- it; a change waits for those bookings to commit, and they wait for it, so no server process
-- decides a booking on rules older than the last committed change of the lab.
ALTER TABLE "labs" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE FUNCTION "labs_raise_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."version" := OLD."version" + 1;
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "labs_raise_version" BEFORE UPDATE ON "labs"
  FOR EACH ROW EXECUTE FUNCTION "labs_raise_version"();--> statement-breakpoint
-- A closure added, changed or removed is a change of its lab: the lab's row is updated (and so
-- locked until the commit) in the same statement.
CREATE FUNCTION "closures_raise_lab_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "labs" SET "version" = "version" + 1 WHERE "id" = OLD."lab_id";
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW."lab_id" IS DISTINCT FROM OLD."lab_id") THEN
    UPDATE "labs" SET "version" = "version" + 1 WHERE "id" = NEW."lab_id";
  END IF;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "closures_raise_lab_version" AFTER INSERT OR UPDATE OR DELETE ON "closures"
  FOR EACH ROW EXECUTE FUNCTION "closures_raise_lab_version"();
