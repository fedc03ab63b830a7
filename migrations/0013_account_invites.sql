-- An administrator opens an account and invites its owner to choose a password: the invite is a
-- set-password link like a reset link, kept in the same table with its kind, so that a new invite
-- ends the older invites only and the audit log tells an accepted invite from a reset.
ALTER TABLE "password_resets" ADD COLUMN "kind" text DEFAULT 'reset' NOT NULL;
--> statement-breakpoint
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_kind_check" CHECK ("password_resets"."kind" in ('reset', 'invite'));
--> statement-breakpoint
CREATE INDEX "password_resets_user_idx" ON "password_resets" USING btree ("user_id","kind");
