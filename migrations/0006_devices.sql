-- Machines that report their own use: switches and card readers per machine, members' cards, a log of
-- what the devices said, and the measured use (powered, running, energy) of each usage session.
CREATE TABLE "cards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"uid" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cards_uid_unique" UNIQUE("uid")
);
--> statement-breakpoint
CREATE TABLE "device_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lab_id" uuid,
	"machine_id" uuid,
	"device_id" text,
	"kind" text NOT NULL,
	"ok" boolean,
	"code" text,
	"uid" text,
	"user_id" uuid,
	"usage_session_id" uuid,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"machine_id" uuid NOT NULL,
	"lab_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"device_id" text NOT NULL,
	"running_threshold_w" double precision,
	"online" boolean,
	"output" boolean,
	"apower" double precision,
	"energy_wh" double precision,
	"status_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "devices_device_id_unique" UNIQUE("device_id"),
	CONSTRAINT "devices_kind_check" CHECK ("devices"."kind" in ('switch', 'reader'))
);
--> statement-breakpoint
CREATE TABLE "usage_meter" (
	"usage_session_id" uuid NOT NULL,
	"quarter_start" timestamp with time zone NOT NULL,
	"powered_secs" double precision DEFAULT 0 NOT NULL,
	"running_secs" double precision DEFAULT 0 NOT NULL,
	"energy_wh" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_meter_usage_session_id_quarter_start_pk" PRIMARY KEY("usage_session_id","quarter_start")
);
--> statement-breakpoint
ALTER TABLE "machines" ADD COLUMN "walk_ins" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_sessions" ADD COLUMN "powered_secs" double precision;--> statement-breakpoint
ALTER TABLE "usage_sessions" ADD COLUMN "running_secs" double precision;--> statement-breakpoint
ALTER TABLE "usage_sessions" ADD COLUMN "energy_wh" double precision;--> statement-breakpoint
ALTER TABLE "usage_sessions" ADD COLUMN "metered_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cards" ADD CONSTRAINT "cards_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cards" ADD CONSTRAINT "cards_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_events" ADD CONSTRAINT "device_events_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_events" ADD CONSTRAINT "device_events_machine_id_machines_id_fk" FOREIGN KEY ("machine_id") REFERENCES "public"."machines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_events" ADD CONSTRAINT "device_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_events" ADD CONSTRAINT "device_events_usage_session_id_usage_sessions_id_fk" FOREIGN KEY ("usage_session_id") REFERENCES "public"."usage_sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_machine_id_machines_id_fk" FOREIGN KEY ("machine_id") REFERENCES "public"."machines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_meter" ADD CONSTRAINT "usage_meter_usage_session_id_usage_sessions_id_fk" FOREIGN KEY ("usage_session_id") REFERENCES "public"."usage_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cards_user_idx" ON "cards" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "device_events_lab_at_idx" ON "device_events" USING btree ("lab_id","at");--> statement-breakpoint
CREATE INDEX "device_events_device_at_idx" ON "device_events" USING btree ("device_id","at");--> statement-breakpoint
CREATE INDEX "devices_lab_idx" ON "devices" USING btree ("lab_id");--> statement-breakpoint
CREATE INDEX "devices_machine_idx" ON "devices" USING btree ("machine_id");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_one_switch_per_machine" ON "devices" USING btree ("machine_id") WHERE "devices"."kind" = 'switch';