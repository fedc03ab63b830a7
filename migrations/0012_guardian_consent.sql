-- A guardian's consent to an under-16 account (Decree 13/2023, art. 20) is given by the guardian:
-- through a one-time link mailed to the guardian's contact, or on a paper form that a lab's manager
-- records. Until then the account does not book. The box a minor ticked at registration was the
-- minor's word, not the guardian's: such accounts become pending (their bookings already made
-- stay; new ones wait for the guardian), and the member's page offers to send the link.
ALTER TABLE "users" ADD COLUMN "guardian_consent_method" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "guardian_consent_by" uuid;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "guardian_consent_lab_id" uuid;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "guardian_consent_note" text;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_guardian_consent_by_users_id_fk" FOREIGN KEY ("guardian_consent_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_guardian_consent_lab_id_labs_id_fk" FOREIGN KEY ("guardian_consent_lab_id") REFERENCES "public"."labs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_guardian_check";--> statement-breakpoint
UPDATE "users" SET "guardian_consent_at" = NULL WHERE "guardian_consent_at" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_guardian_check" CHECK (not "users"."under16" or "users"."deleted_at" is not null or ("users"."guardian_name" is not null and "users"."guardian_contact" is not null));--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_guardian_consent_check" CHECK (("users"."guardian_consent_at" is null) = ("users"."guardian_consent_method" is null) and ("users"."guardian_consent_method" is null or "users"."guardian_consent_method" in ('link', 'paper')));--> statement-breakpoint
CREATE TABLE "guardian_consent_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"sent_to" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "guardian_consent_links_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "guardian_consent_links" ADD CONSTRAINT "guardian_consent_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "guardian_consent_links_user_idx" ON "guardian_consent_links" USING btree ("user_id");
