CREATE TABLE "apologies" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dossier_id" bigint NOT NULL,
	"due_date" text NOT NULL,
	"proposed_date" text NOT NULL,
	"reason" text,
	"status" text DEFAULT 'draft' NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"subject_kind" text,
	"subject_id" text,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "complaints" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"oa_id" text NOT NULL,
	"user_id" text NOT NULL,
	"code" text,
	"category" text,
	"text" text,
	"latitude" double precision,
	"longitude" double precision,
	"status" text DEFAULT 'drafting' NOT NULL,
	"step" text DEFAULT 'category' NOT NULL,
	"response" text,
	"responded_by" text,
	"responded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"purge_after" timestamp with time zone,
	CONSTRAINT "complaints_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"oa_id" text NOT NULL,
	"user_id" text NOT NULL,
	"version" text NOT NULL,
	"decision" text NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dossier_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dossier_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"from_status" integer,
	"to_status" integer,
	"actor" text NOT NULL,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dossier_sequences" (
	"agency" text NOT NULL,
	"day" text NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "dossier_sequences_agency_day_pk" PRIMARY KEY("agency","day")
);
--> statement-breakpoint
CREATE TABLE "dossiers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"oa_id" text NOT NULL,
	"user_id" text NOT NULL,
	"procedure_code" text NOT NULL,
	"code" text,
	"stage" text DEFAULT 'collecting' NOT NULL,
	"step" text DEFAULT 'consent' NOT NULL,
	"slot_index" integer DEFAULT 0 NOT NULL,
	"skipped" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" integer,
	"channel" text,
	"post_address" text,
	"consent_id" bigint,
	"appointment_date" text,
	"supplement_slots" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"supplement_note" text,
	"supplemented_at" timestamp with time zone,
	"reason" text,
	"reminded_for" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"purge_after" timestamp with time zone,
	CONSTRAINT "dossiers_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "lookup_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"oa_id" text NOT NULL,
	"user_id" text NOT NULL,
	"ok" boolean NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ratings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"oa_id" text NOT NULL,
	"user_id" text NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" bigint NOT NULL,
	"procedure_code" text,
	"score" integer NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "resident_profiles" (
	"oa_id" text NOT NULL,
	"user_id" text NOT NULL,
	"name" text,
	"phone" text,
	"address" text,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resident_profiles_oa_id_user_id_pk" PRIMARY KEY("oa_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "staff_notices" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"oa_id" text NOT NULL,
	"kind" text NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "stored_files" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"owner_kind" text NOT NULL,
	"owner_id" bigint NOT NULL,
	"slot" text NOT NULL,
	"file_id" text NOT NULL,
	"path" text NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"mime" text NOT NULL,
	"width" integer,
	"height" integer,
	"msg_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "apologies_dossier_due_idx" ON "apologies" USING btree ("dossier_id","due_date");--> statement-breakpoint
CREATE INDEX "audit_log_subject_idx" ON "audit_log" USING btree ("subject_kind","subject_id","id");--> statement-breakpoint
CREATE INDEX "complaints_resident_idx" ON "complaints" USING btree ("oa_id","user_id","id");--> statement-breakpoint
CREATE INDEX "consents_resident_idx" ON "consents" USING btree ("oa_id","user_id","id");--> statement-breakpoint
CREATE INDEX "dossier_events_dossier_idx" ON "dossier_events" USING btree ("dossier_id","id");--> statement-breakpoint
CREATE INDEX "dossiers_resident_idx" ON "dossiers" USING btree ("oa_id","user_id","id");--> statement-breakpoint
CREATE INDEX "dossiers_due_idx" ON "dossiers" USING btree ("status","appointment_date");--> statement-breakpoint
CREATE INDEX "dossiers_purge_idx" ON "dossiers" USING btree ("purge_after");--> statement-breakpoint
CREATE INDEX "lookup_attempts_resident_idx" ON "lookup_attempts" USING btree ("oa_id","user_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "ratings_subject_idx" ON "ratings" USING btree ("subject_kind","subject_id");--> statement-breakpoint
CREATE INDEX "staff_notices_open_idx" ON "staff_notices" USING btree ("oa_id","seen_at","id");--> statement-breakpoint
CREATE INDEX "stored_files_owner_idx" ON "stored_files" USING btree ("owner_kind","owner_id","slot");--> statement-breakpoint
CREATE UNIQUE INDEX "stored_files_same_content_idx" ON "stored_files" USING btree ("owner_kind","owner_id","sha256");