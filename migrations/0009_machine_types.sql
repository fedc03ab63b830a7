-- Machine types become data an administrator manages (a new lab adds its 3D scanner), with a name
-- in each language; a lab may recognise other labs' certifications per machine type. The thirteen
-- types the interface named until now are seeded with the names the statistics exports used, and
-- every type a machine already has is kept (named by its slug until an administrator renames it).
CREATE TABLE "machine_types" (
	"slug" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_vi" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "machine_types_slug_check" CHECK ("machine_types"."slug" ~ '^[a-z0-9][a-z0-9_-]*$' and length("machine_types"."slug") <= 64)
);
--> statement-breakpoint
INSERT INTO "machine_types" ("slug", "name", "name_vi") VALUES
	('laser_cutter', 'Laser cutter', 'Máy cắt laser'),
	('fdm_printer', 'FDM 3D printer', 'Máy in 3D FDM'),
	('resin_printer', 'Resin 3D printer', 'Máy in 3D resin'),
	('cnc_router', 'CNC router', 'Máy phay CNC'),
	('pcb_mill', 'PCB mill', 'Máy phay mạch in'),
	('vinyl_cutter', 'Vinyl cutter', 'Máy cắt decal'),
	('electronics_bench', 'Electronics bench', 'Bàn điện tử'),
	('embroidery_machine', 'Embroidery machine', 'Máy thêu'),
	('biosafety_cabinet', 'Biosafety cabinet', 'Tủ an toàn sinh học'),
	('pcr_thermal_cycler', 'PCR thermal cycler', 'Máy PCR'),
	('autoclave', 'Autoclave', 'Nồi hấp tiệt trùng'),
	('centrifuge', 'Centrifuge', 'Máy ly tâm'),
	('spectrophotometer', 'Spectrophotometer', 'Máy quang phổ');
--> statement-breakpoint
INSERT INTO "machine_types" ("slug", "name", "name_vi")
	SELECT DISTINCT "type", "type", "type" FROM "machines"
	WHERE "type" ~ '^[a-z0-9][a-z0-9_-]*$' AND length("type") <= 64
	ON CONFLICT ("slug") DO NOTHING;
--> statement-breakpoint
CREATE TABLE "certification_recognitions" (
	"lab_id" uuid NOT NULL,
	"recognized_lab_id" uuid NOT NULL,
	"machine_type" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "certification_recognitions_pk" PRIMARY KEY("lab_id","recognized_lab_id","machine_type"),
	CONSTRAINT "certification_recognitions_other_lab_check" CHECK ("certification_recognitions"."lab_id" <> "certification_recognitions"."recognized_lab_id")
);
--> statement-breakpoint
ALTER TABLE "certification_recognitions" ADD CONSTRAINT "certification_recognitions_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certification_recognitions" ADD CONSTRAINT "certification_recognitions_recognized_lab_id_labs_id_fk" FOREIGN KEY ("recognized_lab_id") REFERENCES "public"."labs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certification_recognitions" ADD CONSTRAINT "certification_recognitions_machine_type_machine_types_slug_fk" FOREIGN KEY ("machine_type") REFERENCES "public"."machine_types"("slug") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certification_recognitions" ADD CONSTRAINT "certification_recognitions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- The certification check asks, for a booking's lab and machine type, which labs it recognises.
CREATE INDEX "certification_recognitions_recognized_idx" ON "certification_recognitions" USING btree ("recognized_lab_id","machine_type");
