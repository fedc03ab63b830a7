-- A materials catalogue per lab: sessions record quantities of its entries, so that "PLA 248 g"
-- and "pla 30 gram" no longer make two rows of the department's totals.
--
-- material_key() is the one meaning of "the same name": trimmed, in Unicode NFC (Vietnamese
-- keyboards type either precomposed or combining accents), lower-cased. The embedded cluster runs
-- with the C locale, whose lower() leaves every letter outside ASCII alone ("ĐỒNG" ≠ "đồng"), so the
-- lower-casing takes ICU's root collation wherever the server has ICU; without ICU, or without
-- UTF-8, it keeps what the database's own rules give. The unique index, the matching of free text
-- and the statistics all call it.
DO $$
DECLARE
  body text := 'btrim($1)';
BEGIN
  IF (SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()) = 'UTF8' THEN
    body := format('normalize(%s, NFC)', body);
  END IF;
  IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') THEN
    body := body || ' COLLATE "und-x-icu"';
  END IF;
  EXECUTE format('CREATE FUNCTION "material_key"(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN lower(%s)', body);
END
$$;
--> statement-breakpoint
CREATE TABLE "materials" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lab_id" uuid NOT NULL,
	"name" text NOT NULL,
	"unit" text NOT NULL,
	"price_vnd" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "materials_name_check" CHECK (btrim("materials"."name") <> '' and length("materials"."name") <= 200),
	CONSTRAINT "materials_unit_check" CHECK (btrim("materials"."unit") <> '' and length("materials"."unit") <= 40),
	CONSTRAINT "materials_price_check" CHECK ("materials"."price_vnd" is null or "materials"."price_vnd" >= 0)
);
--> statement-breakpoint
ALTER TABLE "materials" ADD CONSTRAINT "materials_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "materials_lab_key_idx" ON "materials" USING btree ("lab_id", material_key("name"), material_key("unit"));--> statement-breakpoint
ALTER TABLE "usage_materials" ADD COLUMN "material_id" uuid;--> statement-breakpoint
ALTER TABLE "usage_materials" ADD CONSTRAINT "usage_materials_material_id_materials_id_fk" FOREIGN KEY ("material_id") REFERENCES "public"."materials"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "usage_materials_material_idx" ON "usage_materials" USING btree ("material_id");
--> statement-breakpoint
-- Backfill: every lab gets an entry for each material its sessions recorded as free text (one per
-- name and unit under material_key(); the spelling used most often, then first, names it), and
-- every row is linked to its entry. Rows with a blank name or unit get none: statistics still
-- count them by their text. Text longer than the catalogue allows is cut to its limits.
WITH "used" AS (
	SELECT s."lab_id", left(btrim(um."material"), 200) AS "name", left(btrim(um."unit"), 40) AS "unit", s."start_at"
	FROM "usage_materials" um
	JOIN "usage_sessions" s ON s."id" = um."usage_session_id"
	WHERE btrim(um."material") <> '' AND btrim(um."unit") <> ''
), "spellings" AS (
	SELECT "lab_id", "name", "unit", count(*) AS "uses", min("start_at") AS "first_used"
	FROM "used"
	GROUP BY 1, 2, 3
)
INSERT INTO "materials" ("lab_id", "name", "unit")
SELECT DISTINCT ON ("lab_id", material_key("name"), material_key("unit")) "lab_id", "name", "unit"
FROM "spellings"
ORDER BY "lab_id", material_key("name"), material_key("unit"), "uses" DESC, "first_used", "name";
--> statement-breakpoint
UPDATE "usage_materials" um
SET "material_id" = m."id"
FROM "usage_sessions" s, "materials" m
WHERE s."id" = um."usage_session_id"
	AND m."lab_id" = s."lab_id"
	AND material_key(m."name") = material_key(left(btrim(um."material"), 200))
	AND material_key(m."unit") = material_key(left(btrim(um."unit"), 40));
